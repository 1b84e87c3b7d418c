package dev.ferry.provisioner.local.mariadb;

import dev.ferry.provisioner.local.instance.FlagAllowlist;
import dev.ferry.provisioner.local.instance.FlagAllowlist.ValueRule;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The MariaDB system variables a managed instance may be given (see {@link FlagAllowlist}). Not among
 * them, on purpose: {@code init_file} and {@code init_connect} (run statements), {@code plugin_load},
 * {@code plugin_load_add} and {@code plugin_dir} (load code), {@code skip_grant_tables} (no
 * authentication), {@code bind_address}, {@code port}, {@code socket} and {@code skip_networking} (where it
 * listens), {@code secure_file_priv}, {@code datadir}, {@code tmpdir}, {@code log_error},
 * {@code general_log_file} and other paths, {@code ssl_*}, and {@code user}. {@code log_bin} takes a base
 * name without a directory, or nothing for the default name.
 */
public final class MariaDbFlags {
    private static final Pattern BASE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    public static final FlagAllowlist ALLOWLIST = new FlagAllowlist("MariaDB", Set.of(
            // InnoDB sizing and flushing
            "innodb_buffer_pool_size", "innodb_buffer_pool_instances", "innodb_log_file_size", "innodb_log_buffer_size",
            "innodb_flush_log_at_trx_commit", "innodb_flush_method", "innodb_io_capacity", "innodb_io_capacity_max",
            "innodb_read_io_threads", "innodb_write_io_threads", "innodb_lock_wait_timeout", "innodb_autoinc_lock_mode",
            "innodb_file_per_table", "innodb_strict_mode", "innodb_doublewrite", "innodb_adaptive_hash_index",
            "innodb_stats_persistent", "innodb_default_row_format", "innodb_purge_threads", "innodb_change_buffering",
            "innodb_sort_buffer_size", "innodb_online_alter_log_max_size", "innodb_print_all_deadlocks",
            // binary log and replication Ferry needs
            "log_bin", "binlog_format", "binlog_row_image", "binlog_cache_size", "binlog_stmt_cache_size",
            "max_binlog_size", "expire_logs_days", "binlog_expire_logs_seconds", "sync_binlog", "log_slave_updates",
            "log_replica_updates", "server_id", "gtid_strict_mode", "gtid_domain_id", "binlog_annotate_row_events",
            "binlog_row_metadata", "binlog_checksum", "log_bin_compress",
            // memory and caches
            "key_buffer_size", "max_allowed_packet", "sort_buffer_size", "join_buffer_size", "read_buffer_size",
            "read_rnd_buffer_size", "tmp_table_size", "max_heap_table_size", "table_open_cache",
            "table_definition_cache", "thread_cache_size", "query_cache_size", "query_cache_type", "net_buffer_length",
            "bulk_insert_buffer_size", "aria_pagecache_buffer_size", "open_files_limit", "max_prepared_stmt_count",
            "group_concat_max_len",
            // connections and timeouts
            "max_connections", "max_connect_errors", "back_log", "thread_handling", "thread_pool_size", "wait_timeout",
            "interactive_timeout", "net_read_timeout", "net_write_timeout", "lock_wait_timeout", "connect_timeout",
            "max_statement_time",
            // logging levels
            "log_warnings", "long_query_time",
            // behaviour
            "character_set_server", "collation_server", "character_set_collations", "default_time_zone", "sql_mode", "lower_case_table_names",
            "explicit_defaults_for_timestamp", "local_infile", "performance_schema", "transaction_isolation",
            "default_storage_engine"),
            Map.of("log_bin", new ValueRule(value -> value.isEmpty() || BASE_NAME.matcher(value).matches(),
                    "give a base name such as mysql-bin (no directory), or an empty value for the default")),
            true);

    private MariaDbFlags() {}
}
