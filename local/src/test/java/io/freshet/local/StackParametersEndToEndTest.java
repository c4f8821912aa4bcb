package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.cli.operate.OperateException;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.local.stack.LocalParameters;
import io.freshet.testkit.MutableClock;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One project, two stacks that differ by a parameter only: the sources and outputs of a project
 * name {@code ${Env}}, a String parameter its template.yaml declares without a default, and a dev
 * and a prod embedded stack (the template wired as AWS wires it, {@code FRESHET_PARAMETERS} built by
 * its {@code !Sub}) each take the uploads under their own prefix and write their outputs there.
 */
class StackParametersEndToEndTest {

    static final String DAY = "2026-06-02";

    @TempDir
    Path tmp;

    /** The repository's template.yaml with one more String parameter, passed to the functions as template.yaml passes each. */
    Path repository(String samconfig) throws IOException {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("pipelines"));
        String template = Files.readString(Path.of("../template.yaml"))
                .replaceFirst("\nParameters:\n", "\nParameters:\n  Env:\n    Type: String\n    AllowedPattern: \"[a-z]+\"\n")
                .replace("FRESHET_PARAMETERS: !Sub '{", "FRESHET_PARAMETERS: !Sub '{\"Env\":\"${Env}\",");
        Files.writeString(repo.resolve("template.yaml"), template);
        if (samconfig != null) {
            Files.writeString(repo.resolve("samconfig.toml"), samconfig);
        }
        Files.writeString(repo.resolve("pipelines/sources.yaml"), """
                sources:
                  shop.orders:
                    s3: s3://${LakeBucket}/${Env}/landing/orders/date={date}/
                    format: csv
                """);
        Files.writeString(repo.resolve("pipelines/orders.yaml"), """
                pipeline: orders
                inputs: [shop.orders]
                partitions: daily
                outputs:
                  core.orders: s3://${LakeBucket}/${Env}/core/orders/date={date}/
                trigger:
                  condition: shop.orders
                retries: 0
                steps:
                  - sql:
                      output: core.orders
                      query: SELECT count(*) AS n FROM shop.orders
                """);
        return repo;
    }

    EmbeddedStack start(Path repo, Map<String, String> parameters) {
        return EmbeddedStack.start(new EmbeddedStack.Options(repo, tmp.resolve("state"), new MutableClock(Instant.parse(DAY + "T08:00:00Z")),
                false, LocalParameters.DEFAULT_CONFIG_ENV, parameters));
    }

    static List<String> keys(EmbeddedStack stack, String prefix) {
        return stack.s3().client().listObjectsV2Paginator(b -> b.bucket(stack.lakeBucket()).prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    static List<String> events(EmbeddedStack stack, String asset) {
        return stack.store().events().history(asset, DAY).stream().flatMap((AssetEvent e) -> e.objects().stream()).toList();
    }

    /** {@code local/freshet up} on {@code repo}, which fails before starting a stack: its exit code; {@code err} checks its error output. */
    int up(Path repo, Consumer<String> err, String... more) {
        StringWriter errors = new StringWriter();
        CommandLine up = new CommandLine(new EmbeddedStackCommands.Up()).setErr(new PrintWriter(errors, true)).setOut(new PrintWriter(new StringWriter()));
        List<String> args = new ArrayList<>(List.of("--repository", repo.toString(), "--state", tmp.resolve("up").toString(), "--port", "0", "--no-seed"));
        args.addAll(List.of(more));
        int code = up.execute(args.toArray(String[]::new));
        err.accept(errors.toString());
        return code;
    }

    @Test
    void devAndProdTakeTheUploadsUnderTheirOwnPrefixAndWriteUnderIt() throws Exception {
        Path repo = repository(null);
        String devUpload = "dev/landing/orders/date=" + DAY + "/export.csv";
        String prodUpload = "prod/landing/orders/date=" + DAY + "/export.csv";
        try (EmbeddedStack dev = start(repo, Map.of("Env", "dev"))) {
            assertEquals("dev", dev.parameters().value("Env").orElseThrow());
            S3SourcesEndToEndTest.put(dev, prodUpload, "order_id,amount\n1,10\n");
            assertEquals(List.of(), events(dev, "shop.orders"), "dev ignores prod's uploads");
            S3SourcesEndToEndTest.put(dev, devUpload, "order_id,amount\n1,10\n2,20\n");
            assertEquals(1, events(dev, "shop.orders").size(), "dev records its own upload");
            assertTrue(events(dev, "shop.orders").getFirst().endsWith("/" + devUpload), events(dev, "shop.orders").toString());
            assertEquals(List.of("SUCCEEDED"), S3SourcesEndToEndTest.runs(dev, "orders").stream().map((Run r) -> r.state().name()).toList());
            assertTrue(events(dev, "core.orders").getFirst().contains("/dev/core/orders/date=" + DAY + "/"), events(dev, "core.orders").toString());
            assertTrue(!keys(dev, "dev/core/orders/").isEmpty() && keys(dev, "prod/core/").isEmpty(), keys(dev, "").toString());
        }
        try (EmbeddedStack prod = start(repo, Map.of("Env", "prod"))) {
            S3SourcesEndToEndTest.put(prod, devUpload, "order_id,amount\n1,10\n2,20\n");
            assertEquals(List.of(), events(prod, "shop.orders"), "prod ignores dev's uploads");
            S3SourcesEndToEndTest.put(prod, prodUpload, "order_id,amount\n1,10\n");
            assertTrue(events(prod, "shop.orders").getFirst().endsWith("/" + prodUpload), events(prod, "shop.orders").toString());
            assertTrue(events(prod, "core.orders").getFirst().contains("/prod/core/orders/date=" + DAY + "/"), events(prod, "core.orders").toString());
            assertTrue(keys(prod, "dev/core/").isEmpty(), keys(prod, "").toString());
        }
    }

    @Test
    void samconfigGivesTheValueTheCommandLineOverridesAndNoValueIsALocatedError() throws Exception {
        Path repo = repository("""
                version = 0.1
                [default.deploy.parameters]
                parameter_overrides = "StackPrefix=\\"freshet\\" Env=\\"staging\\""
                [prod.deploy.parameters]
                parameter_overrides = ["Env=prod"]
                """);
        assertEquals(Map.of("StackPrefix", "freshet", "Env", "staging"), LocalParameters.overrides(repo, "default", Map.of()));
        assertEquals(Map.of("Env", "prod"), LocalParameters.overrides(repo, "prod", Map.of()));
        assertEquals(Map.of("StackPrefix", "freshet", "Env", "qa"), LocalParameters.overrides(repo, "default", Map.of("Env", "qa")));

        Files.delete(repo.resolve("samconfig.toml"));
        OperateException none = assertThrows(OperateException.class, () -> start(repo, Map.of()).close());
        assertTrue(none.getMessage().contains("sources.yaml:3:9: s3://${LakeBucket}/${Env}/landing/orders/date={date}/ needs a value of ${Env},"
                + " which template.yaml declares without a Default and which was not given: pass --parameter Env=VALUE"), none.getMessage());
        assertTrue(none.getMessage().contains("orders.yaml:5:16:"), none.getMessage());
        assertEquals(2, up(repo, err -> assertTrue(err.contains("needs a value of ${Env}"), err)));
        assertEquals(2, up(repo, err -> assertTrue(err.contains("declares no parameter Envv"), err), "--parameter", "Envv=dev"));
        OperateException unknown = assertThrows(OperateException.class, () -> start(repo, Map.of("Envv", "dev")).close());
        assertTrue(unknown.getMessage().contains("declares no parameter Envv"), unknown.getMessage());
    }
}
