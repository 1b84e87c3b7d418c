package dev.ferry.provisioner.local.postgres;

import dev.ferry.provisioner.local.instance.FlagAllowlist;
import java.util.Map;
import java.util.Set;

/**
 * The PostgreSQL settings a managed instance may be given (see {@link FlagAllowlist}). Not among them, on
 * purpose: anything that runs a command ({@code archive_command}, {@code restore_command}, ...), loads a
 * library ({@code *_preload_libraries}, {@code dynamic_library_path}, {@code jit_provider}), names a file or
 * directory ({@code data_directory}, {@code config_file}, {@code hba_file}, {@code ident_file},
 * {@code ssl_*_file}, {@code log_directory}, {@code unix_socket_directories}, ...), or changes listening
 * and authentication ({@code listen_addresses}, {@code port}, {@code ssl}, {@code password_encryption},
 * {@code krb_*}). Ferry sets the port, addresses and TLS itself.
 */
public final class PostgresFlags {
    public static final FlagAllowlist ALLOWLIST = new FlagAllowlist("PostgreSQL", Set.of(
            // memory
            "shared_buffers", "work_mem", "maintenance_work_mem", "autovacuum_work_mem", "logical_decoding_work_mem",
            "temp_buffers", "effective_cache_size", "huge_pages", "hash_mem_multiplier", "temp_file_limit",
            "wal_buffers", "max_stack_depth", "max_files_per_process",
            // parallelism and connections
            "max_connections", "superuser_reserved_connections", "max_worker_processes", "max_parallel_workers",
            "max_parallel_workers_per_gather", "max_parallel_maintenance_workers", "effective_io_concurrency",
            "maintenance_io_concurrency", "max_prepared_transactions", "max_locks_per_transaction",
            "max_pred_locks_per_transaction", "tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count",
            // WAL and durability
            "wal_level", "fsync", "synchronous_commit", "full_page_writes", "wal_compression", "wal_writer_delay",
            "wal_writer_flush_after", "commit_delay", "commit_siblings", "checkpoint_timeout",
            "checkpoint_completion_target", "checkpoint_warning", "checkpoint_flush_after", "max_wal_size",
            "min_wal_size", "wal_keep_size", "wal_log_hints", "wal_init_zero", "wal_recycle", "track_commit_timestamp",
            "bgwriter_delay", "bgwriter_lru_maxpages", "bgwriter_lru_multiplier", "bgwriter_flush_after",
            "backend_flush_after",
            // replication Ferry needs
            "max_wal_senders", "max_replication_slots", "max_slot_wal_keep_size", "wal_sender_timeout",
            "max_logical_replication_workers", "max_sync_workers_per_subscription",
            // planner
            "random_page_cost", "seq_page_cost", "cpu_tuple_cost", "cpu_index_tuple_cost", "cpu_operator_cost",
            "parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size",
            "min_parallel_index_scan_size", "default_statistics_target", "jit", "enable_seqscan", "enable_indexscan",
            "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin", "enable_nestloop", "enable_sort",
            "enable_partitionwise_join", "enable_partitionwise_aggregate",
            // logging levels
            "log_min_messages", "log_min_error_statement", "log_min_duration_statement", "log_statement",
            "log_connections", "log_disconnections", "log_lock_waits", "log_temp_files", "log_checkpoints",
            "log_autovacuum_min_duration", "log_replication_commands", "log_line_prefix", "client_min_messages",
            // timeouts
            "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout",
            "deadlock_timeout", "authentication_timeout",
            // vacuum and statistics
            "autovacuum", "autovacuum_max_workers", "autovacuum_naptime", "autovacuum_vacuum_threshold",
            "autovacuum_vacuum_scale_factor", "autovacuum_analyze_threshold", "autovacuum_analyze_scale_factor",
            "autovacuum_vacuum_insert_threshold", "autovacuum_vacuum_insert_scale_factor",
            "autovacuum_vacuum_cost_delay", "autovacuum_vacuum_cost_limit", "autovacuum_freeze_max_age",
            "vacuum_cost_delay", "vacuum_cost_limit", "track_activities", "track_counts", "track_io_timing",
            "track_functions", "track_activity_query_size",
            // session defaults
            "timezone", "datestyle", "intervalstyle", "extra_float_digits", "bytea_output",
            "default_transaction_isolation", "lc_messages", "lc_monetary", "lc_numeric", "lc_time"),
            Map.of(), false);

    private PostgresFlags() {}
}
