"""`ApplicationPreprocessing`: the `preprocess_input` of a `keras.applications` network, as a registered layer."""

import types

import keras

from mmzoo._checks import check_choice


def application_modules():
    """Returns `{network name: its keras.applications module}` for every image network of `keras.applications`.

    Returns:
        A dict such as `{"ResNet50": keras.applications.resnet50, ...}`; a
        network missing from its module's exports (MobileNetV3, which
        preprocesses inside the network) maps to None.
    """
    found = {}
    for module_name in dir(keras.applications):
        module = getattr(keras.applications, module_name)
        if isinstance(module, types.ModuleType) and hasattr(module, "preprocess_input"):
            found.update({name: module for name in dir(module)
                          if name[:1].isupper() and callable(getattr(module, name))})
    networks = [name for name in dir(keras.applications) if name[:1].isupper()]
    return {name: found.get(name) for name in networks}


@keras.saving.register_keras_serializable(package="mmzoo")
class ApplicationPreprocessing(keras.layers.Layer):
    """Prepares pixels in [0, 255] for a `keras.applications` network with its own `preprocess_input`.

    `keras.applications.resnet50.preprocess_input` and its siblings are
    functions; wrapped in this layer they live inside the model (no
    `Lambda`, so `.keras` files load with `safe_mode=True`).

    Args:
        application: The network's name in `keras.applications`, e.g.
            `"ResNet50"`.
        **kwargs: Base layer arguments.

    Raises:
        ConfigurationError: `application` is not a network of `keras.applications`.
    """

    def __init__(self, application, **kwargs):
        super().__init__(**kwargs)
        modules = application_modules()
        check_choice("application", application, sorted(modules))
        self.application = application
        self.module = modules[application]

    def call(self, inputs):
        if self.module is None:
            return inputs
        return self.module.preprocess_input(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["application"] = self.application
        return config
