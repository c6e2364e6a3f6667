"""The work of `mmzoo export`: export one format through the export report, then move it to --out."""

import os
import shutil
import tempfile

from mmzoo import export
from mmzoo.cli import model_data
from mmzoo.cli.files import make_parent
from mmzoo.preprocessing import save_vectorizer


def export_one(arguments, format_name, columns, preprocessing):
    """Exports a saved model in one format and prints its size and accuracy report.

    The export is made by `mmzoo.export.export_report` in a temporary folder
    next to `--out` (so that it is measured on the test split), then renamed
    to `--out`.

    Args:
        arguments: The parsed `export` arguments.
        format_name: A name of `mmzoo.export.FORMATS`.
        columns: The manifest `Columns`, or None for bundled data.
        preprocessing: The saved `Preprocessing`, or None.
    """
    splits = ("train", "test") if format_name == "tflite_int8" else ("test",)
    model, vectorizers, data, _ = model_data.load(arguments, splits, columns, preprocessing)
    make_parent(arguments.out)
    folder = tempfile.mkdtemp(prefix=".mmzoo-export-", dir=os.path.dirname(os.path.abspath(arguments.out)))
    try:
        report = export.export_report(
            model, data["test"], folder, formats=(format_name,),
            representative_data=data["train"][0] if "train" in data else None)
        os.replace(os.path.join(folder, report["file"].iloc[0]), arguments.out)
    finally:
        shutil.rmtree(folder)
    if format_name == "keras" and "text" in vectorizers:
        save_vectorizer(vectorizers["text"], export.vocabulary_path(arguments.out, "text"))
    report.loc[:, "file"] = os.path.basename(arguments.out)
    print(export.report_markdown(report))
    print(f"Wrote {arguments.out}")
