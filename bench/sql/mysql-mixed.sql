-- Many-table mixed dataset for bench/mysql-full-load.sh (MariaDB 10.11).
-- Needs the user variables @big_rows (rows of `events`, e.g. 3000000) and @scale (multiplier for the other tables,
-- 1 = full), set before this file runs in the target database, with a utf8mb4 client connection:
--   { echo "SET @big_rows = 3000000, @scale = 1;"; cat mysql-mixed.sql; } | mariadb --default-character-set=utf8mb4 mixed
-- 58 tables: a customer/order model with foreign keys, one big event table, 50 generated tables of varied shapes
-- and sizes (empty to ~300k rows; ten without a primary key), secondary indexes, utf8mb4 and latin1 text, BLOB,
-- JSON, DECIMAL, DATETIME(6), TIMESTAMP(3), ENUM, SET, BINARY(16) keys. Rows come from the SEQUENCE engine
-- (seq_1_to_N); deterministic (no RAND()).

SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';
SET @n_customers = GREATEST(1000, ROUND(200000 * @scale));
SET @n_products = GREATEST(500, ROUND(20000 * @scale));
SET @n_orders = GREATEST(2000, ROUND(500000 * @scale));
SET @n_sessions = GREATEST(1000, ROUND(100000 * @scale));

CREATE TABLE countries (
    code       CHAR(2) CHARACTER SET ascii PRIMARY KEY,
    name       VARCHAR(100) NOT NULL,
    population BIGINT UNSIGNED,
    continent  ENUM('Europe', 'Asia', 'Africa', 'Americas', 'Oceania') NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT INTO countries
SELECT CONCAT(CHAR(65 + seq DIV 26), CHAR(65 + seq MOD 26)),
       CONCAT('Land ', seq, IF(seq MOD 7 = 0, ' — Zürich Ærø 🌍', '')),
       seq * 7919 * 1000,
       1 + seq MOD 5
FROM seq_0_to_249;

CREATE TABLE customers (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email       VARCHAR(191) NOT NULL,
    full_name   VARCHAR(200) NOT NULL,
    legacy_name VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_swedish_ci,
    country     CHAR(2) CHARACTER SET ascii NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    birthday    DATE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    balance     DECIMAL(12, 2) NOT NULL DEFAULT 0,
    mood        ENUM('sad', 'ok', 'happy'),
    profile     JSON,
    UNIQUE KEY customers_email (email),
    KEY customers_created (created_at),
    CONSTRAINT customers_country_fk FOREIGN KEY (country) REFERENCES countries (code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT INTO customers
SELECT seq,
       CONCAT('user', seq, '@example.com'),
       CONCAT(IF(seq MOD 10 = 0, 'Jürgen Müller-Ñúñez 🚀 ', 'Customer '), MD5(seq)),
       IF(seq MOD 3 = 0, CONCAT('Café Zürich ', seq), NULL),
       CONCAT(CHAR(65 + (seq MOD 250) DIV 26), CHAR(65 + (seq MOD 250) MOD 26)),
       TIMESTAMPADD(MICROSECOND, seq * 97000123, '2015-01-01 00:00:00'),
       IF(seq MOD 5 = 0, NULL, DATE_ADD('1950-01-01', INTERVAL seq MOD 20000 DAY)),
       seq MOD 13 <> 0,
       ((seq * 37) MOD 1000000) / 100,
       1 + seq MOD 3,
       JSON_OBJECT('newsletter', seq MOD 2 = 0, 'score', seq MOD 1000, 'langs', JSON_ARRAY('en', 'de'))
FROM seq_1_to_100000000 WHERE seq <= @n_customers;

CREATE TABLE products (
    id           INT NOT NULL PRIMARY KEY,
    sku          CHAR(36) CHARACTER SET ascii NOT NULL,
    title        VARCHAR(300) NOT NULL,
    price        DECIMAL(10, 2) NOT NULL,
    weight_kg    FLOAT,
    attributes   JSON NOT NULL,
    thumbnail    BLOB,
    launched     DATE,
    discontinued BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE KEY products_sku (sku),
    KEY products_launched (launched)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT INTO products
SELECT seq,
       INSERT(INSERT(INSERT(INSERT(MD5(CONCAT('sku', seq)), 9, 0, '-'), 14, 0, '-'), 19, 0, '-'), 24, 0, '-'),
       CONCAT('Product ', seq, ' ', REPEAT(CHAR(97 + seq MOD 26), 1 + seq MOD 40)),
       (1 + (seq * 31) MOD 99999) / 100,
       (seq MOD 5000) / 100,
       JSON_OBJECT('color', ELT(1 + seq MOD 3, 'red', 'green', 'blue'), 'size', seq MOD 50,
                   'dims', JSON_ARRAY(seq MOD 10, seq MOD 20, seq MOD 30)),
       UNHEX(REPEAT(MD5(seq), 4)),
       DATE_ADD('2010-01-01', INTERVAL seq MOD 5000 DAY),
       seq MOD 17 = 0
FROM seq_1_to_100000000 WHERE seq <= @n_products;

CREATE TABLE orders (
    id          BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    customer_id BIGINT UNSIGNED NOT NULL,
    status      ENUM('new', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded') NOT NULL,
    ordered_at  DATETIME(6) NOT NULL,
    shipped_on  DATE,
    total       DECIMAL(14, 2) NOT NULL,
    note        TEXT,
    KEY orders_ordered_at (ordered_at),
    KEY orders_status (status, ordered_at),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT INTO orders
SELECT seq,
       1 + (seq * 7) MOD @n_customers,
       1 + seq MOD 6,
       TIMESTAMPADD(MICROSECOND, seq * 41000007, '2018-01-01 00:00:00'),
       IF(seq MOD 3 = 0, DATE_ADD('2018-01-03', INTERVAL seq DIV 2000 DAY), NULL),
       ((seq * 113) MOD 10000000) / 100,
       IF(seq MOD 4 = 0, CONCAT('please deliver to the back door, order ', seq), NULL)
FROM seq_1_to_100000000 WHERE seq <= @n_orders;

CREATE TABLE order_items (
    order_id   BIGINT UNSIGNED NOT NULL,
    line_no    SMALLINT NOT NULL,
    product_id INT NOT NULL,
    quantity   INT NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    discount   DECIMAL(5, 4),
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT INTO order_items
SELECT o.seq, l.seq,
       1 + (o.seq * 13 + l.seq) MOD @n_products,
       1 + (o.seq + l.seq) MOD 9,
       (100 + (o.seq * l.seq) MOD 90000) / 100,
       IF((o.seq + l.seq) MOD 5 = 0, 0.1, NULL)
FROM seq_1_to_100000000 o JOIN seq_1_to_3 l
WHERE o.seq <= @n_orders;

CREATE TABLE payments (
    id       CHAR(32) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    order_id BIGINT UNSIGNED NOT NULL,
    amount   DECIMAL(14, 2) NOT NULL,
    paid_at  TIMESTAMP(3) NOT NULL,
    method   VARCHAR(20) NOT NULL,
    raw      JSON,
    CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT INTO payments
SELECT MD5(CONCAT('pay', seq)), seq, ((seq * 113) MOD 10000000) / 100,
       TIMESTAMPADD(MICROSECOND, seq * 41500000, '2018-01-01 00:00:00'),
       ELT(1 + seq MOD 3, 'card', 'paypal', 'transfer'),
       JSON_OBJECT('gateway', CONCAT('gw', seq MOD 4), 'ok', TRUE)
FROM seq_1_to_100000000 WHERE seq <= @n_orders AND seq MOD 2 = 1;

CREATE TABLE sessions (
    token       VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    customer_id BIGINT UNSIGNED,
    started_at  DATETIME NOT NULL,
    duration_s  INT UNSIGNED,
    client_ip   VARBINARY(16),
    user_agent  VARCHAR(255) CHARACTER SET latin1,
    CONSTRAINT sessions_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT INTO sessions
SELECT CONCAT(MD5(CONCAT('session', seq)), MD5(CONCAT('x', seq))),
       1 + seq MOD @n_customers,
       TIMESTAMPADD(SECOND, seq * 3, '2024-01-01 00:00:00'),
       seq MOD 7200,
       INET6_ATON(CONCAT('10.', seq MOD 256, '.', (seq DIV 256) MOD 256, '.', (seq DIV 65536) MOD 256)),
       CONCAT('Mozilla/5.0 (X11; Linux x86_64) façade build ', seq)
FROM seq_1_to_100000000 WHERE seq <= @n_sessions;

-- The big table: one table of several million rows, filled in transactions of 500k rows.
CREATE TABLE events (
    id          BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    occurred_at DATETIME(6) NOT NULL,
    kind        ENUM('login', 'logout', 'view', 'click', 'purchase', 'error') NOT NULL,
    actor       BINARY(16) NOT NULL,
    customer_id BIGINT UNSIGNED,
    score       DOUBLE,
    amount      DECIMAL(12, 2),
    payload     JSON,
    message     VARCHAR(200) NOT NULL,
    KEY events_occurred_at (occurred_at),
    KEY events_customer (customer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

DELIMITER //
BEGIN NOT ATOMIC
    DECLARE done BIGINT DEFAULT 0;
    WHILE done < @big_rows DO
        INSERT INTO events
        SELECT seq,
               TIMESTAMPADD(MICROSECOND, seq * 250000, '2023-01-01 00:00:00'),
               1 + seq MOD 6,
               UNHEX(MD5(seq)),
               IF(seq MOD 4 = 0, NULL, 1 + seq MOD @n_customers),
               (seq MOD 100000) / 7.0,
               IF(seq MOD 3 = 0, (seq MOD 100000) / 100, NULL),
               IF(seq MOD 2 = 0, JSON_OBJECT('page', CONCAT('/p/', seq MOD 1000), 'ms', seq MOD 900), NULL),
               CONCAT('event ', seq, ' ', SUBSTR(MD5(seq), 1, 8 + seq MOD 24))
        FROM seq_1_to_100000000 WHERE seq > done AND seq <= LEAST(done + 500000, @big_rows);
        SET done = done + 500000;
    END WHILE;
END //

-- 50 generated tables of five shapes and sizes from empty to ~300k rows (times @scale).
BEGIN NOT ATOMIC
    DECLARE i INT DEFAULT 1;
    DECLARE n BIGINT;
    DECLARE tbl VARCHAR(64);
    DECLARE shape INT;
    WHILE i <= 50 DO
        SET tbl = CONCAT('t', LPAD(i, 2, '0'));
        SET n = ROUND(ELT(1 + (i * 5) MOD 8, 0, 10, 500, 5000, 20000, 60000, 150000, 300000) * @scale);
        IF i = 1 THEN SET n = 0; END IF;
        SET shape = i MOD 5;
        IF shape = 0 THEN
            EXECUTE IMMEDIATE CONCAT('CREATE TABLE ', tbl, ' (id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
                customer_id BIGINT UNSIGNED, label VARCHAR(64) NOT NULL, amount DECIMAL(18, 4), created DATE,
                CONSTRAINT ', tbl, '_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))
                ENGINE = InnoDB DEFAULT CHARSET = utf8mb4');
            EXECUTE IMMEDIATE CONCAT('INSERT INTO ', tbl, ' SELECT seq, 1 + seq MOD ', @n_customers,
                ', CONCAT(''label '', seq), seq * 1.2345, DATE_ADD(''2000-01-01'', INTERVAL seq MOD 9000 DAY)
                FROM seq_1_to_100000000 WHERE seq <= ', n);
        ELSEIF shape = 1 THEN
            EXECUTE IMMEDIATE CONCAT('CREATE TABLE ', tbl, ' (id INT NOT NULL PRIMARY KEY, a SMALLINT, b INT,
                c BIGINT, d FLOAT, e DOUBLE, f BOOLEAN, g TIME, h DATETIME(6), y YEAR, KEY ', tbl, '_h (h))
                ENGINE = InnoDB DEFAULT CHARSET = utf8mb4');
            EXECUTE IMMEDIATE CONCAT('INSERT INTO ', tbl, ' SELECT seq, seq MOD 30000, seq * 3, seq * 1000003,
                seq / 3, seq / 7, seq MOD 2 = 0, SEC_TO_TIME(seq MOD 86400),
                TIMESTAMPADD(MICROSECOND, seq * 60000001, ''2020-01-01 00:00:00''), 1901 + seq MOD 255
                FROM seq_1_to_100000000 WHERE seq <= ', n);
        ELSEIF shape = 2 THEN
            -- A latin1 table with a text key.
            EXECUTE IMMEDIATE CONCAT('CREATE TABLE ', tbl, ' (k VARCHAR(40) NOT NULL PRIMARY KEY, body TEXT,
                doc JSON, tags SET(''a'', ''b'', ''c'', ''d''), mood ENUM(''sad'', ''ok'', ''happy''))
                ENGINE = InnoDB DEFAULT CHARSET = latin1');
            EXECUTE IMMEDIATE CONCAT('INSERT INTO ', tbl, ' SELECT CONCAT(''k'', MD5(seq)),
                REPEAT(CONCAT(''Größe '', seq, '' ''), 1 + seq MOD 20),
                JSON_OBJECT(''n'', seq, ''even'', seq MOD 2 = 0, ''nested'', JSON_OBJECT(''x'', seq MOD 11)),
                1 + seq MOD 15, 1 + seq MOD 3
                FROM seq_1_to_100000000 WHERE seq <= ', n);
        ELSEIF shape = 3 THEN
            EXECUTE IMMEDIATE CONCAT('CREATE TABLE ', tbl, ' (id BINARY(16) NOT NULL PRIMARY KEY, data MEDIUMBLOB,
                checksum CHAR(32) CHARACTER SET ascii, size_bytes INT, uploaded_at TIMESTAMP(3) NULL,
                KEY ', tbl, '_uploaded (uploaded_at)) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4');
            EXECUTE IMMEDIATE CONCAT('INSERT INTO ', tbl, ' SELECT UNHEX(MD5(CONCAT(''', tbl, ''', seq))),
                UNHEX(REPEAT(MD5(seq), 1 + seq MOD 16)), MD5(seq), 16 * (1 + seq MOD 16),
                TIMESTAMPADD(SECOND, seq * 5, ''2022-06-01 00:00:00'')
                FROM seq_1_to_100000000 WHERE seq <= ', n);
        ELSE
            -- No primary key (a log-style table), with a composite secondary index.
            EXECUTE IMMEDIATE CONCAT('CREATE TABLE ', tbl, ' (source VARCHAR(32) NOT NULL, seq BIGINT NOT NULL,
                level TINYINT, logged_at DATETIME NOT NULL, line TEXT, ok BOOLEAN,
                KEY ', tbl, '_source (source, logged_at)) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4');
            EXECUTE IMMEDIATE CONCAT('INSERT INTO ', tbl, ' SELECT CONCAT(''svc'', seq MOD 17), seq, seq MOD 5,
                TIMESTAMPADD(SECOND, seq * 2, ''2021-01-01 00:00:00''), CONCAT(''log line '', MD5(seq)), seq MOD 9 <> 0
                FROM seq_1_to_100000000 WHERE seq <= ', n);
        END IF;
        SET i = i + 1;
    END WHILE;
END //
DELIMITER ;

ANALYZE TABLE countries, customers, products, orders, order_items, payments, sessions, events;
