/**
 * The demo database's tables: a small shop. `order_lines` has a composite primary key
 * (order_id, line_no) so composite-key editing has something to work on, and
 * `orders.gift_message` holds NULLs and empty strings side by side.
 */

/** `PRAGMA user_version` of a demo database made by this code. */
export const DEMO_SCHEMA_VERSION = 1;

/** Table definitions, created before the data is inserted. */
export const DEMO_TABLES = `
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  phone TEXT,
  country TEXT NOT NULL,
  city TEXT NOT NULL,
  signed_up_on DATE NOT NULL,
  newsletter BOOLEAN NOT NULL DEFAULT 0
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  price DECIMAL(10,2) NOT NULL CHECK (price >= 0),
  in_stock BOOLEAN NOT NULL DEFAULT 1
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  ordered_at TIMESTAMP NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('processing', 'shipped', 'delivered', 'cancelled', 'returned')),
  shipping_country TEXT NOT NULL,
  gift_message TEXT
);
CREATE TABLE order_lines (
  order_id INTEGER NOT NULL REFERENCES orders(id),
  line_no INTEGER NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price DECIMAL(10,2) NOT NULL,
  discount DECIMAL(4,2) NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, line_no)
);
`;

/** Indexes and a read-only view, created after the data (faster than maintaining them while inserting). */
export const DEMO_INDEXES = `
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX orders_ordered_at ON orders(ordered_at);
CREATE INDEX order_lines_product ON order_lines(product_id);
CREATE VIEW monthly_revenue AS
  SELECT substr(o.ordered_at, 1, 7) || '-01' AS month,
         count(DISTINCT o.id) AS orders,
         round(sum(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue
  FROM orders o JOIN order_lines l ON l.order_id = o.id
  WHERE o.status NOT IN ('cancelled', 'returned')
  GROUP BY 1;
`;
