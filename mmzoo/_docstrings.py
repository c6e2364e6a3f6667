"""Argument descriptions several public functions share, written once.

As Keras does for its optimizers' common arguments, a docstring holds a
placeholder such as `{{head_args}}` that `shared_arguments` fills in.
"""


def shared_arguments(**fragments):
    """Fills the `{{name}}` placeholders of the decorated function's docstring.

    Args:
        **fragments: `name="text"` pairs; continuation lines of a text carry
            the indentation of the docstring they go into.

    Returns:
        A decorator returning the same function with its docstring filled in.
    """

    def decorate(function):
        for name, text in fragments.items():
            function.__doc__ = function.__doc__.replace("{{" + name + "}}", text)
        return function

    return decorate
