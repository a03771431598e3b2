import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue } from '../../src/contributions/deadlines.js';

describe('deadline queue (one timer for the deadlines of many hook calls)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells a waiter once its deadline passed, not before, and never one that is done', () => {
    const queue = new DeadlineQueue(100);
    const told: string[] = [];
    const waiter = (name: string) => ({ onDeadline: () => told.push(name) });
    const first = queue.add(waiter('first'));
    const finished = queue.add(waiter('finished'));
    vi.advanceTimersByTime(60);
    const later = queue.add(waiter('later'));
    queue.done(finished);
    vi.advanceTimersByTime(39);
    expect(told).toEqual([]);
    vi.advanceTimersByTime(100 * 0.25 + 1);
    expect(told).toEqual(['first']);
    expect(first.done).toBe(true);
    vi.advanceTimersByTime(100);
    expect(told).toEqual(['first', 'later']);
    expect(later.done).toBe(true);
    // Nothing waits: the timer stopped.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps no timer once every call ended before its deadline', () => {
    const queue = new DeadlineQueue(100);
    for (let i = 0; i < 1000; i++) queue.done(queue.add({ onDeadline: () => expect.unreachable() }));
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends calls in any order: one ended in the middle or at either end never hides the others', () => {
    const queue = new DeadlineQueue(100);
    const told: string[] = [];
    const entries = ['a', 'b', 'c', 'd', 'e'].map((name) => queue.add({ onDeadline: () => told.push(name) }));
    queue.done(entries[2]!); // middle
    queue.done(entries[0]!); // head
    queue.done(entries[4]!); // tail
    queue.done(entries[2]!); // twice: no effect
    const late = queue.add({ onDeadline: () => told.push('late') });
    vi.advanceTimersByTime(100 * 1.25 + 1);
    expect(told).toEqual(['b', 'd', 'late']);
    // A deadline that passed cannot be ended again, and nothing waits any more.
    queue.done(late);
    vi.advanceTimersByTime(1000);
    expect(told).toEqual(['b', 'd', 'late']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
