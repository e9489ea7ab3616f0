"""The lesson list (the home screen's, `dlsim lesson list`) parses each lesson file once for as long
as the file stays as it was: the home screen opened under every network screen parsed all 41 files
each time (~80 ms). An author's edit to a lesson is read again."""
import os

from dlsim.lesson import library


def test_the_catalog_parses_a_file_again_only_once_it_changed(tmp_path, monkeypatch):
    head = "---\ntitle: {title}\nnetwork: perceptron\nsummary: S.\nminutes: 5\n---\n## A\nText.\n"
    lesson = tmp_path / "one.md"
    lesson.write_text(head.format(title="First"))
    monkeypatch.setattr(library, "lessons_dir", lambda: tmp_path)
    parsed = []
    real = library.parse
    monkeypatch.setattr(library, "parse", lambda path, text: parsed.append(path) or real(path, text))

    assert [entry[0].title for entry in library.catalog()] == ["First"]
    assert [entry[0].title for entry in library.catalog()] == ["First"]
    assert parsed == [lesson]                        # the second listing read nothing again

    lesson.write_text(head.format(title="Second"))   # an author edits it (same size: the time differs)
    stat = lesson.stat()
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert [entry[0].title for entry in library.catalog()] == ["Second"]
    assert parsed == [lesson, lesson]
