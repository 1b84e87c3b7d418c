CREATE SCHEMA "Sales Dept";
CREATE SCHEMA inventory;
CREATE TYPE inventory.mood AS ENUM ('happy', 'sad', 'it''s complicated');
CREATE TABLE "Sales Dept"."Order ""Items""" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "Customer Name" text NOT NULL,
  qty int CHECK (qty > 0),
  price numeric(12,2),
  total numeric GENERATED ALWAYS AS (qty * price) STORED,
  moods inventory.mood[],
  mood inventory.mood,
  tags text[],
  doc jsonb,
  at timestamptz,
  blob bytea,
  f float8
);
CREATE TABLE inventory.products (sku text PRIMARY KEY, name text, created timestamptz DEFAULT now(), mood inventory.mood, n numeric);
CREATE TABLE inventory.stock (sku text REFERENCES inventory.products(sku), qty int);
CREATE SEQUENCE inventory.ticket_seq START 100;
SELECT nextval('inventory.ticket_seq') FROM generate_series(1, 42);
CREATE INDEX stock_sku_idx ON inventory.stock (sku);
CREATE VIEW inventory.stock_view AS SELECT s.sku, p.name, s.qty FROM inventory.stock s JOIN inventory.products p USING (sku);
CREATE FUNCTION inventory.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.created := now(); RETURN NEW; END$$;
CREATE TRIGGER products_touch BEFORE UPDATE ON inventory.products FOR EACH ROW EXECUTE FUNCTION inventory.touch();
COMMENT ON TABLE inventory.products IS 'what we sell';
COMMENT ON COLUMN inventory.products.name IS 'display name';
CREATE TABLE public.events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO public.events SELECT g, date '2024-01-01' + g FROM generate_series(0, 600) g;
INSERT INTO inventory.products SELECT 'sku' || g, 'Product ' || g || E'\ttab\nnewline\\back', now(), (ARRAY['happy','sad','it''s complicated'])[1 + g % 3]::inventory.mood, CASE WHEN g % 7 = 0 THEN 'NaN'::numeric ELSE g / 3.0 END FROM generate_series(1, 500) g;
INSERT INTO inventory.stock SELECT 'sku' || (1 + g % 500), g FROM generate_series(1, 2000) g;
INSERT INTO inventory.stock VALUES (NULL, NULL), ('sku1', 5);
INSERT INTO inventory.stock VALUES ('sku1', 5);
INSERT INTO "Sales Dept"."Order ""Items""" ("Customer Name", qty, price, moods, mood, tags, doc, at, blob, f)
  SELECT 'Zoë ' || g, 1 + g % 9, g * 1.25, ARRAY['happy', 'it''s complicated']::inventory.mood[], 'sad', ARRAY['a,b', 'c"d', NULL], jsonb_build_object('k', g, 'nested', jsonb_build_array(1, 'x', NULL)), CASE WHEN g = 1 THEN 'infinity'::timestamptz ELSE timestamptz '2024-03-01 12:00:00+02' + g * interval '1 hour' END, decode(md5(g::text), 'hex'), g / 7.0
  FROM generate_series(1, 3000) g;
CREATE MATERIALIZED VIEW inventory.totals AS SELECT sku, sum(qty) q FROM inventory.stock GROUP BY sku;
SELECT lo_from_bytea(0, convert_to(repeat('large object ', 100000), 'UTF8'));
CREATE TABLE public.empty_gen (g int GENERATED ALWAYS AS (1) STORED);
