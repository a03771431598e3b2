import { Errors, isNocofloError, NocofloError, type Row } from '@nocoflo/sdk';
import type { PoolConnection } from 'mysql2/promise';

// The core (callback) connection under a promise one: its execute() streams row events.
interface CoreExecute {
  on(event: 'result', listener: (row: Row) => void): CoreExecute;
  on(event: 'end', listener: () => void): CoreExecute;
  on(event: 'error', listener: (error: Error) => void): CoreExecute;
}
interface CoreConnection {
  execute(sql: string, values: unknown[]): CoreExecute;
  pause(): void;
  resume(): void;
}

/** What a stream needs once it starts: the statement, a connection, how to shape rows. */
export interface StreamStart {
  /** The SELECT and its bound parameters. */
  sql: string;
  params: unknown[];
  /** A pooled connection the stream owns until it ends. */
  connection: PoolConnection;
  /** Rows buffered before the connection is paused. */
  batchSize: number;
  /** Turns a driver row into SDK values, in place. */
  decode: (row: Row) => Row;
  /** Sort-only columns to drop from each row. */
  hidden: readonly string[];
}

/** How a stream reports to the datasource that opened it. */
export interface StreamOwner {
  /** Starts the statement (validates, takes a connection); errors are NocofloErrors. */
  start(): Promise<StreamStart>;
  /** Whether the datasource was closed (a closed datasource ends its streams). */
  closed(): boolean;
  /** Turns a driver error into a NocofloError. */
  fail(error: unknown): NocofloError;
  /** Called once when the stream ends, however it ends. */
  ended(stream: MysqlRowStream): void;
  /** The URL, for NCF_DATASOURCE_CLOSED. */
  url: string;
}

const DONE: IteratorResult<Row> = Object.freeze({ value: undefined, done: true }) as IteratorResult<Row>;

/**
 * A streamed read as an async iterator over one prepared statement's row events. Rows are
 * buffered up to `batchSize`; then the connection is paused until the consumer has taken
 * them (backpressure), so memory stays flat however large the table. A row already
 * buffered is handed out without a generator step, which keeps the cost per row close to
 * the driver's own. Stopping early (break, return, abort, close) destroys the connection:
 * the server would otherwise keep sending the rest of the result on it.
 */
export class MysqlRowStream implements AsyncIterableIterator<Row> {
  readonly #owner: StreamOwner;
  readonly #signal: AbortSignal | undefined;
  #start: StreamStart | null = null;
  #core: CoreConnection | null = null;
  #batch: Row[] = [];
  #position = 0;
  #incoming: Row[] = [];
  #paused = false;
  #finishedReading = false;
  #failure: unknown = null;
  #wake: (() => void) | null = null;
  #released = false;

  constructor(owner: StreamOwner, signal: AbortSignal | undefined) {
    this.#owner = owner;
    this.#signal = signal;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Row>> {
    const start = this.#start;
    if (start !== null && this.#position < this.#batch.length && !this.#released) {
      if (this.#signal?.aborted) return this.return();
      if (this.#owner.closed()) return this.#closedError();
      const row = start.decode(this.#batch[this.#position++]!);
      const hidden = start.hidden;
      for (let i = 0; i < hidden.length; i++) delete row[hidden[i]!];
      return Promise.resolve({ value: row, done: false });
    }
    return this.#refill();
  }

  return(): Promise<IteratorResult<Row>> {
    this.#release(false);
    return Promise.resolve(DONE);
  }

  /** Ends the stream from outside (the datasource closes): a waiting `next()` rejects. */
  stop(): void {
    this.#failure ??= NocofloError.create(Errors.DatasourceClosed, [this.#owner.url, 'stream']);
    this.#release(false);
    this.#notify();
  }

  #closedError(): Promise<IteratorResult<Row>> {
    this.#release(false);
    return Promise.reject(NocofloError.create(Errors.DatasourceClosed, [this.#owner.url, 'stream']));
  }

  async #refill(): Promise<IteratorResult<Row>> {
    try {
      if (this.#released && this.#failure === null) return DONE;
      if (this.#signal?.aborted) return this.return();
      if (this.#start === null) {
        this.#start = await this.#owner.start();
        if (this.#signal?.aborted || this.#owner.closed()) {
          this.#release(false);
          if (this.#owner.closed())
            throw NocofloError.create(Errors.DatasourceClosed, [this.#owner.url, 'stream']);
          return DONE;
        }
        this.#begin(this.#start);
      }
      while (this.#incoming.length === 0 && !this.#finishedReading && this.#failure === null) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
      if (this.#failure !== null) throw this.#failure;
      if (this.#incoming.length === 0) {
        this.#release(true);
        return DONE;
      }
      this.#batch = this.#incoming;
      this.#position = 0;
      this.#incoming = [];
      if (this.#paused) {
        this.#paused = false;
        this.#core?.resume();
      }
      return this.next();
    } catch (error) {
      this.#release(false);
      if (isNocofloError(error)) throw error;
      if (this.#owner.closed()) {
        throw NocofloError.create(Errors.DatasourceClosed, [this.#owner.url, 'stream'], { cause: error });
      }
      throw this.#owner.fail(error);
    }
  }

  #begin(start: StreamStart): void {
    const core = (start.connection as unknown as { connection: CoreConnection }).connection;
    this.#core = core;
    core
      .execute(start.sql, start.params)
      .on('result', (row) => {
        this.#incoming.push(row);
        if (this.#incoming.length >= start.batchSize && !this.#paused) {
          this.#paused = true;
          core.pause();
        }
        if (this.#wake !== null && (this.#incoming.length === 1 || this.#paused)) this.#notify();
      })
      .on('error', (error) => {
        this.#failure ??= error;
        this.#notify();
      })
      .on('end', () => {
        this.#finishedReading = true;
        this.#notify();
      });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  // A result still streaming cannot be left on a pooled connection: destroy it instead.
  #release(clean: boolean): void {
    if (this.#released) return;
    this.#released = true;
    this.#batch = [];
    this.#incoming = [];
    const connection = this.#start?.connection;
    if (connection) {
      if (clean && this.#finishedReading && this.#failure === null) connection.release();
      else connection.destroy();
    }
    this.#owner.ended(this);
  }
}
