package io.freshet.local.stack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.freshet.core.load.Project;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.testkit.LocalPostgres;

/**
 * The warehouses of outputs loaded into PostgreSQL ({@code postgres:} on an output), on the
 * embedded stack: each connection an output loads into is a database of that name on the stack's
 * PostgreSQL, created when missing, and the publisher gets its {@code FRESHET_PG_<NAME>_*}
 * variables, as snapshot sources' connections get theirs.
 */
public final class LocalWarehouse {

    private LocalWarehouse() {
    }

    /** The connections the project's outputs are loaded into. */
    static Set<String> connections(Project project) {
        Set<String> names = new TreeSet<>();
        for (Pipeline p : project.pipelines()) {
            for (Output o : p.outputs()) {
                o.postgres().ifPresent(pg -> names.add(pg.connection()));
            }
        }
        return names;
    }

    /** For the publisher (the function with the lake database): each warehouse connection's database and variables. */
    public static void in(LocalPostgres postgres, Project project, Map<String, String> env) {
        if (!env.containsKey("FRESHET_LAKE_DATABASE")) {
            return;
        }
        for (String connection : connections(project)) {
            String database = connection.replace('-', '_');
            create(postgres, database);
            String p = "FRESHET_PG_" + connection.toUpperCase(Locale.ROOT).replace('-', '_');
            // A snapshot source's connection of the same name keeps its own database.
            env.putIfAbsent(p + "_URL", postgres.jdbcUrl().replaceAll("/[^/]*$", "/" + database));
            env.putIfAbsent(p + "_USER", postgres.user());
            env.putIfAbsent(p + "_PASSWORD", postgres.password());
        }
    }

    private static void create(LocalPostgres postgres, String database) {
        try (Connection c = postgres.connect()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + database + "\"");
            }
        } catch (SQLException e) {
            // 42P04: another stack on this server created it meanwhile.
            if (!"42P04".equals(e.getSQLState())) {
                throw new IllegalStateException("cannot create the warehouse database " + database + " on the embedded PostgreSQL", e);
            }
        }
    }
}
