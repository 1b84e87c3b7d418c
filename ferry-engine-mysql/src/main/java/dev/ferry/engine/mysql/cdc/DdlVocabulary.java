package dev.ferry.engine.mysql.cdc;

import dev.ferry.engine.mysql.cdc.DdlStatement.Kind;
import dev.ferry.engine.mysql.cdc.DdlStatement.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rule names of one grammar that {@link DdlReader} reads a parse tree by: which rules are the statements Ferry
 * replays (and what each does), which are statements on server objects (accounts, tablespaces, servers), which
 * rules are object names, which subtrees name nothing the statement acts on (expressions, routine bodies,
 * foreign-key references, partitioning) and which are queries whose tables are read.
 */
enum DdlVocabulary {
    MARIADB(Map.ofEntries(
            Map.entry("createTable", Op.CREATE_TABLE), Map.entry("alterTable", Op.ALTER_TABLE), Map.entry("dropTable", Op.DROP_TABLE),
            Map.entry("renameTable", Op.RENAME_TABLE), Map.entry("truncateTable", Op.TRUNCATE_TABLE),
            Map.entry("createIndex", Op.CREATE_INDEX), Map.entry("dropIndex", Op.DROP_INDEX),
            Map.entry("createView", Op.CREATE_VIEW), Map.entry("alterView", Op.ALTER_VIEW), Map.entry("dropView", Op.DROP_VIEW),
            Map.entry("createSequence", Op.CREATE_SEQUENCE), Map.entry("alterSequence", Op.ALTER_SEQUENCE),
            Map.entry("dropSequence", Op.DROP_SEQUENCE),
            Map.entry("createTrigger", Op.CREATE_TRIGGER), Map.entry("dropTrigger", Op.DROP_TRIGGER),
            Map.entry("createEvent", Op.CREATE_EVENT), Map.entry("alterEvent", Op.ALTER_EVENT), Map.entry("dropEvent", Op.DROP_EVENT),
            Map.entry("createProcedure", Op.ROUTINE), Map.entry("createFunction", Op.ROUTINE), Map.entry("alterProcedure", Op.ROUTINE),
            Map.entry("alterFunction", Op.ROUTINE), Map.entry("dropProcedure", Op.ROUTINE), Map.entry("dropFunction", Op.ROUTINE),
            Map.entry("createDatabase", Op.DATABASE), Map.entry("alterDatabase", Op.DATABASE), Map.entry("dropDatabase", Op.DATABASE)),
            Set.of("createLogfileGroup", "createServer", "createTablespaceInnodb", "createTablespaceNdb", "createRole", "createUser",
                    "createUdfunction", "alterInstance", "alterLogfileGroup", "alterServer", "alterTablespace", "alterUser",
                    "dropLogfileGroup", "dropServer", "dropTablespace", "dropRole", "dropUser", "renameUser"),
            Set.of("tableName", "fullId"), Set.of(), Set.of("tableName"),
            Set.of("expression", "referenceDefinition", "routineBody", "partitionDefinitions", "indexColumnNames", "ownerStatement",
                    "returnStatement", "scheduleExpression", "functionCall"),
            Set.of("selectStatement", "withClause"), Set.of("uid")),

    MYSQL(Map.ofEntries(
            Map.entry("createTable", Op.CREATE_TABLE), Map.entry("alterTable", Op.ALTER_TABLE), Map.entry("dropTable", Op.DROP_TABLE),
            Map.entry("renameTableStatement", Op.RENAME_TABLE), Map.entry("truncateTableStatement", Op.TRUNCATE_TABLE),
            Map.entry("createIndex", Op.CREATE_INDEX), Map.entry("dropIndex", Op.DROP_INDEX),
            Map.entry("createView", Op.CREATE_VIEW), Map.entry("alterView", Op.ALTER_VIEW), Map.entry("dropView", Op.DROP_VIEW),
            Map.entry("createTrigger", Op.CREATE_TRIGGER), Map.entry("dropTrigger", Op.DROP_TRIGGER),
            Map.entry("createEvent", Op.CREATE_EVENT), Map.entry("alterEvent", Op.ALTER_EVENT), Map.entry("dropEvent", Op.DROP_EVENT),
            Map.entry("createProcedure", Op.ROUTINE), Map.entry("createFunction", Op.ROUTINE), Map.entry("alterProcedure", Op.ROUTINE),
            Map.entry("alterFunction", Op.ROUTINE), Map.entry("dropProcedure", Op.ROUTINE), Map.entry("dropFunction", Op.ROUTINE),
            Map.entry("createDatabase", Op.DATABASE), Map.entry("alterDatabase", Op.DATABASE), Map.entry("dropDatabase", Op.DATABASE)),
            Set.of("createLogfileGroup", "createServer", "createTablespace", "createUndoTablespace", "createRole", "createSpatialReference",
                    "createUdf", "createResourceGroup", "createUserStatement", "alterLogfileGroup", "alterServer", "alterTablespace",
                    "alterUndoTablespace", "alterInstanceStatement", "alterUserStatement", "alterResourceGroup", "dropLogfileGroup",
                    "dropServer", "dropTableSpace", "dropUndoTablespace", "dropRole", "dropSpatialReference", "dropResourceGroup",
                    "dropUserStatement", "renameUserStatement"),
            Set.of("tableRef", "tableName", "viewName", "viewRef", "triggerName", "triggerRef", "eventName", "eventRef", "procedureName",
                    "procedureRef", "functionName", "functionRef"),
            Set.of("qualifiedIdentifier"), Set.of("tableRef"),
            Set.of("expr", "references", "compoundStatement", "storedRoutineBody", "partitionClause", "keyListWithExpression", "keyList",
                    "definerClause", "schedule", "indexRef", "triggerFollowsPrecedesClause"),
            Set.of("queryExpression", "queryExpressionOrParens", "queryExpressionWithOptLockingClauses", "asCreateQueryExpression",
                    "viewQueryBlock"),
            Set.of("schemaName", "schemaRef"));

    /** What a statement rule does. */
    enum Op {
        CREATE_TABLE(Kind.TABLE, "CREATE TABLE", Shape.WHOLE),
        ALTER_TABLE(Kind.TABLE, "ALTER TABLE", Shape.WHOLE),
        DROP_TABLE(Kind.TABLE, "DROP TABLE", Shape.EACH),
        RENAME_TABLE(Kind.TABLE, "RENAME TABLE", Shape.PAIRS),
        TRUNCATE_TABLE(Kind.TABLE, "TRUNCATE TABLE", Shape.WHOLE),
        CREATE_INDEX(Kind.TABLE, "CREATE INDEX", Shape.WHOLE),
        DROP_INDEX(Kind.TABLE, "DROP INDEX", Shape.WHOLE),
        CREATE_VIEW(Kind.VIEW, "CREATE VIEW", Shape.WHOLE),
        ALTER_VIEW(Kind.VIEW, "ALTER VIEW", Shape.WHOLE),
        DROP_VIEW(Kind.VIEW, "DROP VIEW", Shape.EACH),
        CREATE_SEQUENCE(Kind.SEQUENCE, "CREATE SEQUENCE", Shape.WHOLE),
        ALTER_SEQUENCE(Kind.SEQUENCE, "ALTER SEQUENCE", Shape.WHOLE),
        DROP_SEQUENCE(Kind.SEQUENCE, "DROP SEQUENCE", Shape.EACH),
        CREATE_TRIGGER(Kind.TRIGGER, "CREATE TRIGGER", Shape.WHOLE),
        DROP_TRIGGER(Kind.TRIGGER, "DROP TRIGGER", Shape.WHOLE),
        CREATE_EVENT(Kind.EVENT, "CREATE EVENT", Shape.WHOLE),
        ALTER_EVENT(Kind.EVENT, "ALTER EVENT", Shape.WHOLE),
        DROP_EVENT(Kind.EVENT, "DROP EVENT", Shape.WHOLE),
        ROUTINE(Kind.ROUTINE, "ROUTINE", Shape.WHOLE),
        DATABASE(Kind.DATABASE, "DATABASE", Shape.WHOLE);

        private final Kind kind;
        private final String verb;
        private final Shape shape;

        Op(Kind kind, String verb, Shape shape) {
            this.kind = kind;
            this.verb = verb;
            this.shape = shape;
        }

        Kind kind() {
            return kind;
        }

        String verb() {
            return verb;
        }

        Shape shape() {
            return shape;
        }
    }

    private final Map<String, Op> statements;
    private final Set<String> serverObjects;
    private final Set<String> names;
    private final Set<String> directNames;
    private final Set<String> tableNames;
    private final Set<String> hidden;
    private final Set<String> queries;
    private final Set<String> databaseNames;

    DdlVocabulary(Map<String, Op> statements, Set<String> serverObjects, Set<String> names, Set<String> directNames,
            Set<String> tableNames, Set<String> hidden, Set<String> queries, Set<String> databaseNames) {
        this.statements = new HashMap<>(statements);
        this.serverObjects = serverObjects;
        this.names = names;
        this.directNames = directNames;
        this.tableNames = tableNames;
        this.hidden = hidden;
        this.queries = queries;
        this.databaseNames = databaseNames;
    }

    /** Statement rules Ferry replays or defers. */
    Map<String, Op> statements() {
        return statements;
    }

    /** Statement rules on objects outside any database (accounts, tablespaces, servers). */
    Set<String> serverObjects() {
        return serverObjects;
    }

    /** Rules that are an object name wherever they appear outside hidden subtrees. */
    Set<String> names() {
        return names;
    }

    /** Rules that are an object name only as a direct part of a statement rule (ALTER EVENT ... RENAME TO). */
    Set<String> directNames() {
        return directNames;
    }

    /** Name rules that name a table (the table of a trigger). */
    Set<String> tableNames() {
        return tableNames;
    }

    /** Subtrees that name nothing the statement acts on. */
    Set<String> hidden() {
        return hidden;
    }

    /** Subtrees whose table names are read, not acted on. */
    Set<String> queries() {
        return queries;
    }

    /** Rules that name a database, as direct parts of a database statement. */
    Set<String> databaseNames() {
        return databaseNames;
    }
}
