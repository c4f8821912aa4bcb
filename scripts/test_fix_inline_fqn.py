"""Tests of scripts/fix-inline-fqn.py (standard library only; .ci/run runs them):
    python3 -m unittest discover -s scripts -p 'test_*.py'
"""
import importlib.util
import os
import unittest

_spec = importlib.util.spec_from_file_location(
    "fix_inline_fqn", os.path.join(os.path.dirname(os.path.abspath(__file__)), "fix-inline-fqn.py"))
fqn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fqn)


def fix(text, package_types=None):
    return fqn.fix(text, fqn.package_of(text), package_types or {})


class FixInlineFqnTest(unittest.TestCase):

    def test_rewrites_code_and_adds_imports_in_their_group(self):
        text = ("package io.freshet.x;\n\nimport java.util.List;\n\nimport io.freshet.y.Thing;\n\n"
                "class A {\n    List<String> a = new java.util.ArrayList<>();\n"
                "    Object b = io.freshet.z.Other.Inner.make(java.time.Instant.EPOCH);\n}\n")
        new, lines, added, left = fix(text)
        self.assertEqual(["io.freshet.z.Other", "java.time.Instant", "java.util.ArrayList"], added)
        self.assertEqual(2, lines)
        self.assertEqual([], left)
        self.assertEqual("package io.freshet.x;\n\nimport java.time.Instant;\nimport java.util.ArrayList;\n"
                         "import java.util.List;\n\nimport io.freshet.y.Thing;\nimport io.freshet.z.Other;\n\n"
                         "class A {\n    List<String> a = new ArrayList<>();\n"
                         "    Object b = Other.Inner.make(Instant.EPOCH);\n}\n", new)
        self.assertEqual(new, fix(new)[0], "a second run changes nothing")

    def test_leaves_comments_strings_text_blocks_and_imports(self):
        text = ('package p.q;\n\nimport java.util.List;\n\nclass A {\n'
                '    // java.util.ArrayList in a comment\n    /* java.util.Map */\n'
                '    String s = "java.util.Set" + \'"\' + "io.freshet.local.Main";\n'
                '    String t = """\n        java.util.Queue\n        """;\n}\n')
        self.assertEqual((text, 0, [], []), fix(text))

    def test_same_package_and_java_lang_need_no_import(self):
        text = "package p.q;\n\nclass A {\n    Object a = new p.q.B();\n    Object b = java.lang.String.valueOf(1);\n}\n"
        new, _, added, left = fix(text)
        self.assertEqual([], added)
        self.assertIn("new B()", new)
        self.assertIn("Object b = String.valueOf(1)", new)

    def test_leaves_names_that_would_clash_and_says_why(self):
        text = ("package p.q;\n\nimport org.slf4j.Logger;\n\nclass A {\n"
                "    java.util.logging.Logger a;\n"            # another Logger is imported
                "    java.util.function.Function<String, String> f;\n"
                "    record Function() {}\n"                   # the file declares a Function
                "    x.y.Record r;\n"                          # java.lang.Record
                "    x.y.Sibling s;\n"                         # a type of the same package
                "    Used u; z.w.Used v;\n"                    # Used already means another type
                "}\n")
        new, lines, added, left = fix(text, {"p.q": {"Sibling", "A"}})
        self.assertEqual(text, new)
        self.assertEqual([], added)
        reasons = {name: why for _, name, why in left}
        self.assertEqual({
            "java.util.logging.Logger": "org.slf4j.Logger is imported",
            "java.util.function.Function": "the file declares a type Function",
            "x.y.Record": "java.lang.Record has that name",
            "x.y.Sibling": "p.q.Sibling is in the same package",
            "z.w.Used": "Used already means another type in this file",
        }, reasons)

    def test_two_names_with_one_simple_name_import_the_more_used(self):
        text = "package p.q;\n\nclass A {\n    a.b.List x; a.b.List y; c.d.List z;\n}\n"
        new, _, added, left = fix(text)
        self.assertEqual(["a.b.List"], added)
        self.assertIn("List x; List y; c.d.List z;", new)
        self.assertEqual([(4, "c.d.List", "a.b.List is imported instead")], left)

    def test_a_file_without_imports_gets_them_after_its_package(self):
        text = "package p.q;\n\nclass A {\n    java.util.UUID id;\n}\n"
        self.assertEqual("package p.q;\n\nimport java.util.UUID;\n\nclass A {\n    UUID id;\n}\n", fix(text)[0])

    def test_first_other_import_starts_its_group_after_the_java_ones(self):
        text = "package p.q;\n\nimport java.util.List;\n\nclass A {\n    io.x.Thing t; List<String> l;\n}\n"
        self.assertEqual("package p.q;\n\nimport java.util.List;\n\nimport io.x.Thing;\n\nclass A {\n"
                         "    Thing t; List<String> l;\n}\n", fix(text)[0])


if __name__ == "__main__":
    unittest.main()
