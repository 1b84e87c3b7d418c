package dev.ferry.engine.mysql.cdc;

import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.cdc.DdlStatement.Kind;
import dev.ferry.engine.mysql.cdc.DdlStatement.Shape;
import io.debezium.ddl.parser.mariadb.generated.MariaDBLexer;
import io.debezium.ddl.parser.mariadb.generated.MariaDBParser;
import io.debezium.ddl.parser.mysql.generated.MySqlLexer;
import io.debezium.ddl.parser.mysql.generated.MySqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Reads a binlog QUERY statement into a {@link DdlStatement} with the MySQL or MariaDB grammar Debezium maintains
 * (its ANTLR-generated lexers and parsers, fed a case-insensitive stream), so that every object a statement names
 * is found wherever comments or quoting put it. Statements that are clearly not DDL of database objects are told
 * apart by their first words without parsing; DDL the grammar cannot read is {@link Kind#UNREADABLE}. Thread-safe
 * (a new lexer and parser per statement; the grammars share their caches).
 */
final class DdlReader {
    private static final Pattern DDL_HEAD = Pattern.compile("^(?:CREATE|ALTER|DROP|RENAME|TRUNCATE)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern SERVER_OBJECT = Pattern.compile("^(?:(?:CREATE|ALTER|DROP)\\s+(?:OR\\s+REPLACE\\s+)?(?:USER|ROLE|SERVER"
            + "|TABLESPACE|UNDO|LOGFILE|INSTANCE|RESOURCE|SPATIAL)|RENAME\\s+USER)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DML_HEAD = Pattern.compile("^(?:INSERT|UPDATE|DELETE|REPLACE|LOAD\\s+DATA|LOAD\\s+XML)\\b",
            Pattern.CASE_INSENSITIVE);

    private final Flavor flavor;
    private final int version;

    /** {@code version}: the source server's, as major * 10000 + minor * 100 + patch (it decides executable comments). */
    DdlReader(Flavor flavor, int version) {
        this.flavor = flavor;
        this.version = version;
    }

    static DdlReader of(Flavor flavor, String version) {
        return new DdlReader(flavor, VersionComments.number(version));
    }

    DdlStatement read(String sql) {
        String head = stripLeadingComments(VersionComments.expand(sql, version));
        if (DML_HEAD.matcher(head).lookingAt()) {
            return DdlStatement.of(Kind.DML, "DML");
        }
        if (!DDL_HEAD.matcher(head).lookingAt() || SERVER_OBJECT.matcher(head).lookingAt()) {
            return DdlStatement.of(Kind.OTHER, "OTHER");
        }
        Optional<Tree> tree = parse(sql);
        if (tree.isEmpty()) {
            return DdlStatement.of(Kind.UNREADABLE, "DDL");
        }
        return tree.get().statement();
    }

    private Optional<Tree> parse(String sql) {
        var errors = new ErrorCount();
        if (flavor == Flavor.MARIADB) {
            String text = VersionComments.expand(sql, version);
            var lexer = new MariaDBLexer(new CaseInsensitiveStream(CharStreams.fromString(text), true));
            lexer.removeErrorListeners();
            lexer.addErrorListener(errors);
            var parser = new MariaDBParser(new CommonTokenStream(lexer));
            parser.removeErrorListeners();
            parser.addErrorListener(errors);
            ParserRuleContext root = parser.root();
            return errors.count > 0 ? Optional.empty() : Optional.of(new Tree(DdlVocabulary.MARIADB, root, parser.getRuleNames(), text));
        }
        var lexer = new MySqlLexer(new CaseInsensitiveStream(CharStreams.fromString(sql), false));
        lexer.sqlModes.clear();
        lexer.serverVersion = version;
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        var parser = new MySqlParser(new CommonTokenStream(lexer));
        parser.sqlModes.clear();
        parser.serverVersion = version;
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        ParserRuleContext root = parser.queries();
        return errors.count > 0 ? Optional.empty() : Optional.of(new Tree(DdlVocabulary.MYSQL, root, parser.getRuleNames(), sql));
    }

    /** Whether the statement is a change logged as a statement (INSERT, UPDATE, DELETE, REPLACE, LOAD). */
    static boolean dml(String sql) {
        return DML_HEAD.matcher(stripLeadingComments(sql)).lookingAt();
    }

    /** Drops leading whitespace and comments (executable comments are expanded before). */
    static String stripLeadingComments(String sql) {
        String s = sql.strip();
        while (true) {
            if (s.startsWith("/*")) {
                int end = s.indexOf("*/");
                s = end < 0 ? "" : s.substring(end + 2).strip();
            } else if (s.startsWith("--") || s.startsWith("#")) {
                int end = s.indexOf('\n');
                s = end < 0 ? "" : s.substring(end + 1).strip();
            } else {
                return s;
            }
        }
    }

    private static final class ErrorCount extends BaseErrorListener {
        int count;

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine, String msg,
                RecognitionException e) {
            count++;
        }
    }

    /** One statement's parse tree, read through the rule names of its grammar. */
    private record Tree(DdlVocabulary words, ParserRuleContext root, String[] rules, String text) {

        DdlStatement statement() {
            ParserRuleContext statement = find(root);
            if (statement == null) {
                return DdlStatement.of(Kind.UNREADABLE, "DDL");
            }
            String rule = rule(statement);
            if (words.serverObjects().contains(rule)) {
                return DdlStatement.of(Kind.OTHER, rule);
            }
            DdlVocabulary.Op op = words.statements().get(rule);
            if (op == null) {
                return DdlStatement.of(Kind.UNREADABLE, rule);
            }
            List<ParserRuleContext> own = new ArrayList<>();
            List<ParserRuleContext> read = new ArrayList<>();
            boolean queries = names(statement, false, own, read);
            boolean ifExists = statement.children.stream().anyMatch(c -> c instanceof ParserRuleContext r && rule(r).equals("ifExists"));
            boolean temporary = statement.children.stream().anyMatch(c -> c instanceof TerminalNode t
                    && t.getText().equalsIgnoreCase("TEMPORARY"));
            List<ObjectName> objects = own.stream().map(this::name).toList();
            List<ObjectName> reads = read.stream().map(this::name).toList();
            if (objects.isEmpty() && op != DdlVocabulary.Op.DATABASE) {
                return DdlStatement.of(Kind.UNREADABLE, op.verb());
            }
            if (temporary) {
                return new DdlStatement(Kind.TEMPORARY, op.verb(), Shape.WHOLE, objects, List.of(), Optional.empty(), ifExists, false);
            }
            return switch (op) {
                case CREATE_TABLE -> new DdlStatement(Kind.TABLE, op.verb(), Shape.WHOLE, objects.subList(0, 1), concat(objects.subList(1,
                        objects.size()), reads), Optional.empty(), ifExists, queries);
                case CREATE_VIEW, ALTER_VIEW -> new DdlStatement(Kind.VIEW, op.verb(), Shape.WHOLE, objects.subList(0, 1), reads, Optional.empty(),
                        ifExists, false);
                case CREATE_TRIGGER -> new DdlStatement(Kind.TRIGGER, op.verb(), Shape.WHOLE, objects.subList(0, 1), List.of(),
                        own.stream().filter(n -> words.tableNames().contains(rule(n))).findFirst().map(this::name), ifExists, false);
                case ROUTINE, DROP_TRIGGER -> new DdlStatement(op.kind(), op.verb(), Shape.WHOLE, objects.subList(0, 1), List.of(),
                        Optional.empty(), ifExists, false);
                case DATABASE -> new DdlStatement(Kind.DATABASE, op.verb(), Shape.WHOLE, databases(statement), List.of(), Optional.empty(),
                        ifExists, false);
                default -> new DdlStatement(op.kind(), op.verb(), op.shape(), objects, reads, Optional.empty(), ifExists, false);
            };
        }

        /** The first statement rule in pre-order: the statement itself once the grammar's wrappers are passed. */
        private ParserRuleContext find(ParserRuleContext node) {
            String rule = rule(node);
            if (words.statements().containsKey(rule) || words.serverObjects().contains(rule)) {
                return node;
            }
            if (node.children == null) {
                return null;
            }
            for (ParseTree child : node.children) {
                if (child instanceof ParserRuleContext r) {
                    ParserRuleContext found = find(r);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        }

        /**
         * Collects the outermost names below {@code node}: the statement's own, and those inside queries it reads;
         * true when there is a query.
         */
        private boolean names(ParserRuleContext node, boolean reading, List<ParserRuleContext> own, List<ParserRuleContext> read) {
            boolean queries = reading;
            if (node.children == null) {
                return queries;
            }
            for (ParseTree child : node.children) {
                if (!(child instanceof ParserRuleContext r)) {
                    continue;
                }
                String rule = rule(r);
                if (words.names().contains(rule) || words.directNames().contains(rule) && words.statements().containsKey(rule(node))) {
                    (reading ? read : own).add(r);
                } else if (!words.hidden().contains(rule)) {
                    queries |= names(r, reading || words.queries().contains(rule), own, read);
                }
            }
            return queries;
        }

        private List<ObjectName> databases(ParserRuleContext statement) {
            List<ObjectName> names = new ArrayList<>();
            for (ParseTree child : statement.children) {
                if (child instanceof ParserRuleContext r && words.databaseNames().contains(rule(r))) {
                    names.add(ObjectName.of(null, ObjectName.parse(text(r)).name()));
                }
            }
            return names;
        }

        private ObjectName name(ParserRuleContext node) {
            return ObjectName.parse(text(node));
        }

        private String text(ParserRuleContext node) {
            return text.substring(node.getStart().getStartIndex(), node.getStop().getStopIndex() + 1);
        }

        private String rule(ParserRuleContext node) {
            return rules[node.getRuleIndex()];
        }

        private static List<ObjectName> concat(List<ObjectName> a, List<ObjectName> b) {
            List<ObjectName> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        }
    }
}
