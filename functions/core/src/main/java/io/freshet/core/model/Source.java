package io.freshet.core.model;

import java.util.Optional;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.yaml.SourcePos;

/** An asset written by someone else: files landing in S3, or an operational PostgreSQL database. */
public sealed interface Source permits Source.S3, Source.Postgres {

    String name();

    String description();

    SourcePos pos();

    Partitioning partitioning();

    /**
     * Objects landing under a pattern such as {@code s3://${LakeBucket}/landing/taps/date={date}/*.csv};
     * each upload or deletion becomes an asset event for the partition named in its key, unless
     * {@code files} says the object is not data (or, with a completion marker, only the marker triggers).
     * {@code allowedProducers} may also announce its objects from outside ({@code freshet emit}).
     */
    record S3(String name, String description, LocationPattern location, SourcePos locationPos,
              Partitioning partitioning, Optional<String> format, Optional<Freshness> freshness,
              SourceFiles files, AllowedProducers allowedProducers, SourcePos pos) implements Source {
    }

    /**
     * A PostgreSQL database. Only the connection's name is here; its credentials come from Secrets
     * Manager or the environment at run time, never from YAML. Without {@code read} (a connection
     * only) snapshot steps read it; with a table or query, SQL steps read it as a view.
     * {@code maxConnections} caps the connections one snapshot opens to it ({@code max_connections:},
     * {@link PostgresConnections}).
     */
    record Postgres(String name, String description, String connection, Optional<PostgresRead> read, int maxConnections, SourcePos pos)
            implements Source {

        /** A connection only, for snapshot steps. */
        public Postgres(String name, String description, String connection, SourcePos pos) {
            this(name, description, connection, Optional.empty(), PostgresConnections.DEFAULT_MAX, pos);
        }

        /** A connection only, with its snapshot connection cap. */
        public Postgres(String name, String description, String connection, int maxConnections, SourcePos pos) {
            this(name, description, connection, Optional.empty(), maxConnections, pos);
        }

        /** A table or query that SQL steps read, with the default connection cap. */
        public Postgres(String name, String description, String connection, Optional<PostgresRead> read, SourcePos pos) {
            this(name, description, connection, read, PostgresConnections.DEFAULT_MAX, pos);
        }

        @Override
        public Partitioning partitioning() {
            return Partitioning.NONE;
        }
    }
}
