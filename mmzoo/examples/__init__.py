"""Small runnable examples: `python -m mmzoo.examples.quickstart`."""
