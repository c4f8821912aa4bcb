#!/usr/bin/env python3
"""Rewrites inline fully qualified class names in Java sources into imports and simple names.

    scripts/fix-inline-fqn.py [--dry-run] [PATH ...]     (default PATH: the repository)

`new java.util.ArrayList<>()` becomes `new ArrayList<>()` with `import java.util.ArrayList;`,
`java.time.Instant.EPOCH` becomes `Instant.EPOCH`, `io.freshet.x.Outer.Inner` becomes
`Outer.Inner` (the outer type is imported). A name in the file's own package or in java.lang needs
no import. What it matches is what Checkstyle's InlineFullyQualifiedName rule matches
(config/checkstyle.xml): a dotted name of two or more lower-case parts (the package) followed by a
capitalised name (a type), in code only: comments, strings, text
blocks and char literals are skipped, and so are package and import lines.

A name is left alone, and reported, when importing it would change or blur what a simple name
means in that file:
  - another type of that simple name is imported, or is declared in the file;
  - the simple name is already used bare in the file (it means something else there);
  - a type of that simple name exists in the file's package (anywhere in the scanned tree), or in
    java.lang, unless the name is that very type;
  - two different qualified names in the file share the simple name (the most used one is
    imported, the others stay qualified).

Walks every *.java under src/main/java and src/test/java of the given paths (target/ and hidden
directories skipped). Idempotent: a second run changes nothing and reports the same names.
Standard library only. Exit code 0, also when names were left (they are listed on stderr).
"""
import argparse
import collections
import os
import re
import sys

# Public top-level types of java.lang (JDK 25): a simple name that is one of these is never
# imported from elsewhere, it would shadow the java.lang one.
JAVA_LANG = set("""
AbstractMethodError Appendable ArithmeticException ArrayIndexOutOfBoundsException
ArrayStoreException AssertionError AutoCloseable Boolean BootstrapMethodError Byte CharSequence
Character Class ClassCastException ClassCircularityError ClassFormatError ClassLoader
ClassNotFoundException ClassValue CloneNotSupportedException Cloneable Comparable Deprecated Double
Enum EnumConstantNotPresentException Error Exception ExceptionInInitializerError Float
FunctionalInterface IO IllegalAccessError IllegalAccessException IllegalArgumentException
IllegalCallerException IllegalMonitorStateException IllegalStateException
IllegalThreadStateException IncompatibleClassChangeError IndexOutOfBoundsException
InheritableThreadLocal InstantiationError InstantiationException Integer InternalError
InterruptedException Iterable LayerInstantiationException LinkageError Long MatchException Math
Module ModuleLayer NegativeArraySizeException NoClassDefFoundError NoSuchFieldError
NoSuchFieldException NoSuchMethodError NoSuchMethodException NullPointerException Number
NumberFormatException Object OutOfMemoryError Override Package Process ProcessBuilder ProcessHandle
Readable Record ReflectiveOperationException Runnable Runtime RuntimeException RuntimePermission
SafeVarargs ScopedValue SecurityException SecurityManager Short StableValue StackOverflowError
StackTraceElement StackWalker StrictMath String StringBuffer StringBuilder
StringIndexOutOfBoundsException SuppressWarnings System Thread ThreadDeath ThreadGroup ThreadLocal
Throwable TypeNotPresentException UnknownError UnsatisfiedLinkError UnsupportedClassVersionError
UnsupportedOperationException VerifyError VirtualMachineError Void WrongThreadException
""".split())

# package part: two or more lower-case segments; type: a capitalised name (URI and UUID too: a
# constant cannot follow a package)
FQN = re.compile(r"(?<![\w.$])((?:[a-z_][a-z0-9_]*\.){2,})([A-Z][A-Za-z0-9_]*)(?![\w$])")
PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.M)
IMPORT = re.compile(r"^[ \t]*import[ \t]+(static[ \t]+)?([\w.]+(?:\.\*)?)[ \t]*;[^\n]*\n?", re.M)
DECLARED = re.compile(r"\b(?:class|interface|enum|record)\s+([A-Z]\w*)")


def code_mask(text):
    """A copy of text with comments, string/char literals and text blocks blanked to spaces
    (newlines kept), so that offsets match and only code can be matched."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif text.startswith('"""', i):
            j = i + 3
            while j < n and not text.startswith('"""', j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + 3)
            blank(i, j)
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + 1)
            blank(i, j)
            i = j
        else:
            i += 1
    return "".join(out)


def java_files(paths):
    for base in paths:
        if os.path.isfile(base):
            if base.endswith(".java"):
                yield base
            continue
        for d, dirs, files in os.walk(base):
            dirs[:] = sorted(x for x in dirs if x != "target" and not x.startswith("."))
            rel = d.replace(os.sep, "/") + "/"
            if "/src/main/java/" not in rel and "/src/test/java/" not in rel:
                continue
            for f in sorted(files):
                if f.endswith(".java"):
                    yield os.path.join(d, f)


def package_of(text):
    m = PACKAGE.search(code_mask(text))
    return m.group(1) if m else ""


def fix(text, package, package_types):
    """Returns (new text, number of code lines changed, imports added, [(line, name, why)] left)."""
    masked = code_mask(text)
    imports = {}                  # simple name -> qualified name (single-type, non-static)
    statements = []               # (start, end) of package and import statements, never rewritten
    for m in IMPORT.finditer(masked):
        statements.append((m.start(), m.end()))
        if not m.group(1) and not m.group(2).endswith(".*"):
            imports[m.group(2).rsplit(".", 1)[1]] = m.group(2)
    for m in PACKAGE.finditer(masked):
        statements.append((m.start(), m.end()))
    declared = set(DECLARED.findall(masked))

    found = [m for m in FQN.finditer(masked) if not any(a <= m.start() < b for a, b in statements)]
    if not found:
        return text, 0, [], []
    spans = [(m.start(), m.end()) for m in found]

    # simple names used bare in code, outside the qualified names themselves
    bare = set()
    for m in re.finditer(r"(?<![\w.$])([A-Z]\w*)", masked):
        if not any(a <= m.start() < b for a, b in spans) and not any(a <= m.start() < b for a, b in statements):
            bare.add(m.group(1))

    by_simple = collections.defaultdict(collections.Counter)
    for m in found:
        by_simple[m.group(2)][m.group(1)[:-1]] += 1

    decision = {}                 # (package, simple) -> None (rewrite) or the reason it is left
    new_imports = []
    for simple, pkgs in by_simple.items():
        ranked = sorted(pkgs.items(), key=lambda kv: (-kv[1], kv[0]))
        chosen = ranked[0][0]
        for pkg, _ in ranked[1:]:
            decision[(pkg, simple)] = f"{chosen}.{simple} is imported instead"
        qualified = f"{chosen}.{simple}"
        reason = None
        if imports.get(simple, qualified) != qualified:
            reason = f"{imports[simple]} is imported"
        elif simple in declared:
            reason = f"the file declares a type {simple}"
        elif chosen == package or chosen == "java.lang" or imports.get(simple) == qualified:
            reason = None         # already reachable by its simple name
        elif simple in bare:
            reason = f"{simple} already means another type in this file"
        elif simple in package_types.get(package, ()):
            reason = f"{package}.{simple} is in the same package"
        elif simple in JAVA_LANG:
            reason = f"java.lang.{simple} has that name"
        decision[(chosen, simple)] = reason
        if reason is None and chosen not in (package, "java.lang") and simple not in imports:
            new_imports.append(qualified)

    out, last, changed_lines, left = [], 0, set(), []
    for m in found:
        pkg, simple = m.group(1)[:-1], m.group(2)
        reason = decision[(pkg, simple)]
        line = text.count("\n", 0, m.start()) + 1
        if reason is not None:
            left.append((line, f"{pkg}.{simple}", reason))
            continue
        out.append(text[last:m.start()])
        out.append(simple)
        last = m.end()
        changed_lines.add(line)
    out.append(text[last:])
    text = "".join(out)
    if new_imports:
        text = add_imports(text, sorted(set(new_imports)))
    return text, len(changed_lines), sorted(set(new_imports)), left


def import_group(name):
    """The project's import layout: java.* and javax.* first, a blank line, then all others."""
    return 0 if name.split(".", 1)[0] in ("java", "javax") else 1


def add_imports(text, names):
    """Each import goes in sorted place among the existing ones of its group (java/javax, or the
    rest); a missing group is started with a blank line between the two; a file without imports
    gets them after its package line."""
    for name in names:
        masked = code_mask(text)
        existing = [m for m in IMPORT.finditer(masked) if not m.group(1)]
        line = f"import {name};\n"
        if not existing:
            p = PACKAGE.search(masked)
            at = text.index("\n", p.end() - 1) + 1 if p else 0
            text = text[:at] + "\n" + line + text[at:]
            continue
        group = [m for m in existing if import_group(m.group(2)) == import_group(name)]
        if group:
            at = group[-1].end()
            for m in group:
                if m.group(2) > name:
                    at = m.start()
                    break
            if not text[:at].endswith("\n"):
                line = "\n" + line.rstrip("\n")
        elif import_group(name) == 0:      # the first java import: before the others
            at = existing[0].start()
            line = line + "\n"
        else:                              # the first other import: after the java ones
            at = existing[-1].end()
            line = ("\n" if text[:at].endswith("\n") else "\n\n") + line
        text = text[:at] + line + text[at:]
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--dry-run", action="store_true", help="report only, change no file")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = args.paths or [repo]

    files = list(java_files(paths))
    # types per package, from the whole repository and the given paths
    package_types = collections.defaultdict(set)
    for f in sorted(set(files) | set(java_files([repo]))):
        with open(f, encoding="utf-8") as fh:
            package_types[package_of(fh.read())].add(os.path.basename(f)[:-5])

    total_lines, total_imports, total_files, all_left = 0, 0, 0, []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        new, lines, added, left = fix(text, package_of(text), package_types)
        rel = os.path.relpath(f)
        all_left += [(rel, line, name, why) for line, name, why in left]
        if new != text:
            total_files += 1
            total_lines += lines
            total_imports += len(added)
            print(f"{rel}: {lines} lines, imports {', '.join(added) or 'none'}")
            if not args.dry_run:
                with open(f, "w", encoding="utf-8", newline="") as fh:
                    fh.write(new)
    verb = "would fix" if args.dry_run else "fixed"
    print(f"{verb} {total_lines} lines in {total_files} files, {total_imports} imports added; "
          f"{len(all_left)} names left qualified")
    for rel, line, name, why in all_left:
        print(f"left {rel}:{line}: {name}: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
