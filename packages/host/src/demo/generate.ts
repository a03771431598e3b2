/**
 * Writes the demo database: customers, products, orders and order lines of a small shop
 * over two years, with growth, seasons and weekdays, from a fixed seed so every machine
 * gets the same data. One transaction and prepared statements keep ~100,000 order lines
 * well under a few seconds; the file is written under a temporary name and renamed, so a
 * crash never leaves half a database behind.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Errors, NocofloError } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { createRandom, type Random } from './random.js';
import { DEMO_INDEXES, DEMO_SCHEMA_VERSION, DEMO_TABLES } from './schema.js';
import { ADJECTIVES, CATEGORIES, FIRST_NAMES, LAST_NAMES, PLACES } from './vocabulary.js';

/** Options of {@link generateDemoDatabase}. */
export interface DemoOptions {
  /** Seed of the random data. Default 2024. */
  seed?: number;
  /** Approximate number of order lines. Default 100,000. */
  orderLines?: number;
  /** Customers. Default 2,500. */
  customers?: number;
  /** Products. Default 400. */
  products?: number;
  /** First day of the two years of orders (UTC, `YYYY-MM-DD`). Default `2023-01-01`. */
  startDate?: string;
  /** Length of the order history in days. Default 731 (two years). */
  days?: number;
}

/** Row counts of a generated database. */
export interface DemoSummary {
  customers: number;
  products: number;
  orders: number;
  orderLines: number;
}

const DAY_MS = 86_400_000;
/** Lines per order: 1 is most common; the mean is about 2.9. */
const LINE_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8];
const LINE_WEIGHTS = [22, 24, 18, 13, 9, 7, 4, 3];
const MEAN_LINES =
  LINE_COUNTS.reduce((sum, n, i) => sum + n * (LINE_WEIGHTS[i] ?? 0), 0) /
  LINE_WEIGHTS.reduce((a, b) => a + b, 0);
/** Shopping by month (January first): a December peak, a summer dip. */
const SEASON = [0.85, 0.8, 0.9, 0.95, 1, 0.9, 0.85, 0.85, 1, 1.05, 1.3, 1.6];
/** Shopping by weekday (Sunday first). */
const WEEKDAY = [1.15, 0.95, 0.9, 0.9, 0.95, 1.05, 1.2];

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const isoTimestamp = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const money = (n: number): number => Math.round(n * 100) / 100;

interface Product {
  id: number;
  price: number;
}

function insertCustomers(
  db: Database.Database,
  random: Random,
  count: number,
  firstSignup: number,
  span: number,
): number[] {
  const insert = db.prepare(
    'INSERT INTO customers (id, name, email, phone, country, city, signed_up_on, newsletter) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const signups: number[] = [];
  for (let id = 1; id <= count; id++) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const place = random.weighted(
      PLACES,
      PLACES.map((p) => p.weight),
    );
    // Sorted sign-up days, so "customers who exist on day d" is a prefix of the list.
    const signup = firstSignup + Math.floor(((id - 1 + random.next()) / count) * span) * DAY_MS;
    signups.push(signup);
    const email = `${first}.${last}.${id}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
    const phone = random.chance(0.35)
      ? null
      : `+${random.int(1, 99)} ${random.int(100, 999)} ${random.int(1000000, 9999999)}`;
    insert.run(
      id,
      `${first} ${last}`,
      email,
      phone,
      place.country,
      random.pick(place.cities),
      isoDate(signup),
      random.chance(0.4) ? 1 : 0,
    );
  }
  return signups;
}

function insertProducts(db: Database.Database, random: Random, count: number): Product[][] {
  const insert = db.prepare(
    'INSERT INTO products (id, sku, name, category, price, in_stock) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byCategory: Product[][] = CATEGORIES.map(() => []);
  for (let id = 1; id <= count; id++) {
    const c = (id - 1) % CATEGORIES.length;
    const category = CATEGORIES[c]!;
    // Most products are cheap; a few are expensive.
    const price = money(Math.floor(category.min + (category.max - category.min) * random.next() ** 2) + 0.99);
    const name = `${random.pick(ADJECTIVES)} ${random.pick(category.nouns)}`;
    const sku = `${category.name.slice(0, 3).toUpperCase()}-${String(id).padStart(5, '0')}`;
    insert.run(id, sku, name, category.name, price, random.chance(0.92) ? 1 : 0);
    byCategory[c]!.push({ id, price });
  }
  return byCategory;
}

function statusOf(random: Random, ageDays: number): string {
  if (ageDays < 3) return random.weighted(['processing', 'shipped'], [2, 1]);
  if (ageDays < 10) return random.weighted(['shipped', 'delivered', 'cancelled'], [5, 4, 0.3]);
  return random.weighted(['delivered', 'cancelled', 'returned'], [93, 4, 3]);
}

/**
 * Creates the demo database at `path` (replacing nothing: the caller decides whether to
 * create it) and returns its row counts.
 */
export function generateDemoDatabase(path: string, options: DemoOptions = {}): DemoSummary {
  const random = createRandom(options.seed ?? 2024);
  const targetLines = options.orderLines ?? 100_000;
  const customerCount = options.customers ?? 2_500;
  const productCount = options.products ?? 400;
  const start = Date.parse(`${options.startDate ?? '2023-01-01'}T00:00:00Z`);
  const days = options.days ?? 731;
  if (!(productCount >= CATEGORIES.length && customerCount >= 1 && days >= 1 && targetLines >= 0)) {
    throw NocofloError.create(Errors.BadRequest, [
      `the demo needs at least ${CATEGORIES.length} products (one per category), 1 customer and 1 day`,
    ]);
  }

  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const db = new Database(tmp);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(DEMO_TABLES);
    const summary = db.transaction((): DemoSummary => {
      const signups = insertCustomers(db, random, customerCount, start - 365 * DAY_MS, 365 + days - 30);
      const products = insertProducts(db, random, productCount);
      const insertOrder = db.prepare(
        'INSERT INTO orders (id, customer_id, ordered_at, status, shipping_country, gift_message) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const insertLine = db.prepare(
        'INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price, discount) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const customerCountry = db.prepare('SELECT country FROM customers WHERE id = ?').pluck();

      // Expected orders per day: steady growth, seasons, weekdays; scaled to the target.
      const weights = Array.from({ length: days }, (_, d) => {
        const day = new Date(start + d * DAY_MS);
        return (1 + (0.7 * d) / days) * (SEASON[day.getUTCMonth()] ?? 1) * (WEEKDAY[day.getUTCDay()] ?? 1);
      });
      const perWeight = targetLines / MEAN_LINES / weights.reduce((a, b) => a + b, 0);
      const popularity = CATEGORIES.map((c) => c.popularity);
      const categoryIndexes = CATEGORIES.map((_, i) => i);

      let orderId = 0;
      let lines = 0;
      let carry = 0;
      let eligible = 0;
      for (let d = 0; d < days; d++) {
        const dayStart = start + d * DAY_MS;
        while (eligible < signups.length && (signups[eligible] ?? Infinity) <= dayStart) eligible++;
        carry += (weights[d] ?? 0) * perWeight;
        const orders = Math.floor(carry);
        carry -= orders;
        for (let o = 0; o < orders && eligible > 0; o++) {
          orderId++;
          // Early customers are loyal: they order more often.
          const customerId = 1 + Math.floor(eligible * random.next() ** 1.6);
          const at = dayStart + Math.floor((0.3 + 0.7 * random.next()) * DAY_MS);
          const gift = random.chance(0.9)
            ? null
            : random.chance(0.3)
              ? ''
              : random.pick(['Happy birthday!', 'Congratulations', 'With love', 'Thank you ❤']);
          insertOrder.run(
            orderId,
            customerId,
            isoTimestamp(at),
            statusOf(random, days - d),
            customerCountry.get(customerId),
            gift,
          );
          const lineCount = random.weighted(LINE_COUNTS, LINE_WEIGHTS);
          for (let line = 1; line <= lineCount; line++) {
            const category = products[random.weighted(categoryIndexes, popularity)]!;
            const product = random.pick(category);
            const quantity = random.weighted([1, 2, 3, 4, 5], [70, 17, 7, 4, 2]);
            const discount = random.chance(0.15) ? random.pick([0.05, 0.1, 0.15, 0.2]) : 0;
            insertLine.run(orderId, line, product.id, quantity, product.price, discount);
            lines++;
          }
        }
      }
      return { customers: customerCount, products: productCount, orders: orderId, orderLines: lines };
    })();
    db.exec(DEMO_INDEXES);
    db.exec('ANALYZE');
    db.pragma(`user_version = ${DEMO_SCHEMA_VERSION}`);
    db.close();
    renameSync(tmp, path);
    return summary;
  } catch (error) {
    if (db.open) db.close();
    rmSync(tmp, { force: true });
    throw error;
  }
}
