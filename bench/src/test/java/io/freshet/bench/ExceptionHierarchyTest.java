package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every exception class in the main code of every module is a FreshetException (docs/architecture.md,
 * "Failures and settings"): a configuration error, rejected input, a transient or permanent failure,
 * or an adapter's failure whose kind its boundary decided. Read from the compiled classes of each
 * module (their super classes, from the class files: no module needs to be on this one's class path).
 * It lives in the bench, the reactor's last module, so that a clean build has compiled every other
 * module's classes before it runs (in the embedded stack's module it missed the bench's own).
 * The test kit is left out: it is test infrastructure, never deployed, and its one exception is an
 * emulated AWS API's wire error.
 */
class ExceptionHierarchyTest {

    private static final String ROOT = "io/freshet/core/error/FreshetException";
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    /** Re-parented when the runner's attempt phases land (they are nested in RunnerService, which is being split). */
    private static final Set<String> PENDING = Set.of();

    @Test
    void everyExceptionClassIsUnderTheHierarchy() throws IOException {
        List<Path> modules = classDirectories();
        assertTrue(modules.size() >= 9, "the modules' compiled classes: " + modules);
        Map<String, String> superOf = new TreeMap<>();
        for (Path classes : modules) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String[] names = thisAndSuper(f);
                    superOf.put(names[0], names[1]);
                }
            }
        }
        assertTrue(superOf.containsKey(ROOT), "core's classes are among them");
        List<String> outside = new ArrayList<>();
        int exceptions = 0;
        for (String name : superOf.keySet()) {
            String top = topOfChain(name, superOf);
            if (top.equals(ROOT) || name.equals(ROOT)) {
                exceptions++;
            } else if (!top.isEmpty() && isThrowable(top) && !PENDING.contains(name)) {
                outside.add(name.replace('/', '.') + " extends " + superOf.get(name).replace('/', '.'));
            }
        }
        assertEquals(List.of(), outside, "exception classes outside io.freshet.core.error.FreshetException");
        assertTrue(exceptions > 25, exceptions + " exception classes found");
    }

    /** The first class up the chain that is not in the scanned modules, or the hierarchy's root. */
    private static String topOfChain(String name, Map<String, String> superOf) {
        String current = name;
        while (superOf.containsKey(current) && !current.equals(ROOT)) {
            current = superOf.get(current);
        }
        return current;
    }

    private static boolean isThrowable(String internalName) {
        try {
            return Throwable.class.isAssignableFrom(Class.forName(internalName.replace('/', '.'), false, ExceptionHierarchyTest.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new AssertionError("a super class outside the modules that this test cannot see: " + internalName, e);
        }
    }

    private static List<Path> classDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> top = Files.list(REPOSITORY); Stream<Path> functions = Files.list(REPOSITORY.resolve("functions"))) {
            Stream.concat(top, functions).map(m -> m.resolve("target/classes"))
                    .filter(Files::isDirectory).filter(d -> !d.startsWith(REPOSITORY.resolve("testkit"))).sorted().forEach(dirs::add);
        }
        return dirs;
    }

    /** The class's and its super class's internal names, from the class file's constant pool. */
    private static String[] thisAndSuper(Path classFile) throws IOException {
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            in.readInt(); // magic
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNameIndex = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNameIndex[i] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // eight-byte constants take two entries
                    }
                    default -> throw new IOException(classFile + ": unknown constant pool tag " + tag);
                }
            }
            in.readUnsignedShort(); // access flags
            int thisClass = in.readUnsignedShort();
            int superClass = in.readUnsignedShort();
            return new String[] {utf8[classNameIndex[thisClass]], superClass == 0 ? "" : utf8[classNameIndex[superClass]]};
        }
    }
}
