"""A conditional GAN: G(z, condition) and D(x, condition) trained alternately."""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops
from matplotlib import pyplot

from mmzoo._deprecation import renamed_arguments
from mmzoo._checks import check_input_shape, check_positive_int
from mmzoo.plots import save_figure
from mmzoo.zoo.example_data import example_inputs
from mmzoo.zoo.registry import ZooEntry, register

D_LEARNING_RATE = 1e-4
"""Adam learning rate of the discriminator when `compile` gets no optimizer."""
G_LEARNING_RATE = 2e-4
"""Adam learning rate of the generator when `compile` gets no optimizer."""
ADAM_BETA_1 = 0.5
"""Adam's beta_1 of both default optimizers."""


def _generator(latent_dim, condition_dim, image_shape, units):
    noise = keras.Input((latent_dim,), name="noise")
    condition = keras.Input((condition_dim,), name="condition")
    embedded = keras.layers.Dense(latent_dim, name="condition_embedding")(condition)
    x = keras.layers.Multiply(name="conditioned_noise")([noise, embedded])
    for index, width in enumerate(units, start=1):
        x = keras.layers.Dense(width, name=f"generator_dense{index}")(x)
        x = keras.layers.BatchNormalization(name=f"generator_bn{index}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"generator_act{index}")(x)
    x = keras.layers.Dense(math.prod(image_shape), activation="sigmoid", name="generator_pixels")(x)
    image = keras.layers.Reshape(image_shape, name="generated_image")(x)
    return keras.Model({"noise": noise, "condition": condition}, image, name="generator")


def _discriminator(condition_dim, image_shape, units, dropout):
    image = keras.Input(image_shape, name="image")
    condition = keras.Input((condition_dim,), name="condition")
    condition_map = keras.layers.Dense(math.prod(image_shape[:2]), name="condition_map")(condition)
    condition_map = keras.layers.Reshape(image_shape[:2] + (1,), name="condition_channel")(condition_map)
    noisy = keras.layers.GaussianNoise(0.1, name="instance_noise")(image)
    x = keras.layers.Concatenate(name="discriminator_inputs")([noisy, condition_map])
    x = keras.layers.Flatten(name="discriminator_flatten")(x)
    for index, width in enumerate(reversed(units), start=1):
        x = keras.layers.Dense(width, name=f"discriminator_dense{index}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"discriminator_act{index}")(x)
        x = keras.layers.Dropout(dropout, name=f"discriminator_dropout{index}")(x)
    probability = keras.layers.Dense(1, activation="sigmoid", name="real_probability")(x)
    return keras.Model({"image": image, "condition": condition}, probability, name="discriminator")


class _OptimizerPair:
    """The discriminator's and the generator's optimizers as the one `model.optimizer` of Keras' trainers.

    The trainers read `variables` (the JAX trainer carries them through its
    compiled step), `built`, `build` and `iterations`; each optimizer is
    built on its own network's weights.
    """

    def __init__(self, d_optimizer, g_optimizer, gan):
        self.d_optimizer, self.g_optimizer, self.gan = d_optimizer, g_optimizer, gan

    @property
    def variables(self):
        return self.d_optimizer.variables + self.g_optimizer.variables

    @property
    def built(self):
        return self.d_optimizer.built and self.g_optimizer.built

    @property
    def iterations(self):
        return self.g_optimizer.iterations

    def build(self, variables=None):
        """Builds each optimizer on its own network's trainable weights (`variables` is ignored)."""
        if not self.d_optimizer.built:
            self.d_optimizer.build(self.gan.discriminator.trainable_variables)
        if not self.g_optimizer.built:
            self.g_optimizer.build(self.gan.generator.trainable_variables)


@keras.saving.register_keras_serializable(package="mmzoo")
class ConditionalGAN(keras.Model):
    """A generator and a discriminator, both conditioned, trained alternately by `fit`.

    Each step: the discriminator minimises
    `L_D = -[log D(x, c) + log(1 - D(G(z, c), c))]`, then the generator
    minimises the non-saturating `L_G = -log D(G(z, c), c)`. `fit` takes a
    dataset of `(images, conditions)` and reports `d_loss`, `g_loss` and
    `d_accuracy` (the discriminator's accuracy on the batch's real and
    generated samples). Calling the model generates images:
    `gan({"noise": z, "condition": c})`.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", 2014; Mirza &
        Osindero, "Conditional Generative Adversarial Nets", 2014.

    Args:
        generator: Model `{"noise", "condition"} -> image`.
        discriminator: Model `{"image", "condition"} -> P(real)`.
        real_label: Target of real samples in the discriminator loss; 0.9
            (one-sided label smoothing) keeps the discriminator from
            winning outright, 1.0 is the plain formula.
        **kwargs: Standard model arguments.
    """

    def __init__(self, generator, discriminator, real_label=0.9, **kwargs):
        super().__init__(**kwargs)
        self.real_label = float(real_label)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = generator.input["noise"].shape[-1]
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_accuracy = keras.metrics.BinaryAccuracy(name="d_accuracy")
        self.noise_seed = keras.random.SeedGenerator(0)
        self.built = True  # the two networks are built: `fit` need not trace the model on a batch

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Sets the two optimizers: by default Adam(D_LEARNING_RATE) for D and Adam(G_LEARNING_RATE) for G.

        Both default optimizers use `beta_1=ADAM_BETA_1`.
        """
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(D_LEARNING_RATE, beta_1=ADAM_BETA_1)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(G_LEARNING_RATE, beta_1=ADAM_BETA_1)
        self.optimizer = _OptimizerPair(self.d_optimizer, self.g_optimizer, self)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_accuracy]

    def _discriminator_loss(self, images, conditions):
        """Returns `(L_D, D(x, c), D(G(z, c), c))` for a batch, with fresh noise."""
        noise = keras.random.normal((ops.shape(images)[0], self.latent_dim), seed=self.noise_seed)
        generated = self.generator({"noise": noise, "condition": conditions}, training=True)
        real_p = self.discriminator({"image": images, "condition": conditions}, training=True)
        fake_p = self.discriminator({"image": generated, "condition": conditions}, training=True)
        d_loss = keras.losses.binary_crossentropy(ops.full_like(real_p, self.real_label), real_p) + \
            keras.losses.binary_crossentropy(ops.zeros_like(fake_p), fake_p)
        return ops.mean(d_loss), (real_p, fake_p)

    def _generator_loss(self, images, conditions):
        """Returns `(L_G, None)` for a batch, with fresh noise; D runs in inference mode."""
        noise = keras.random.normal((ops.shape(images)[0], self.latent_dim), seed=self.noise_seed)
        generated = self.generator({"noise": noise, "condition": conditions}, training=True)
        fake_p = self.discriminator({"image": generated, "condition": conditions}, training=False)
        return ops.mean(keras.losses.binary_crossentropy(ops.ones_like(fake_p), fake_p)), None

    def _update_metrics(self, d_loss, g_loss, real_p, fake_p):
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_accuracy.update_state(ops.concatenate([ops.ones_like(real_p), ops.zeros_like(fake_p)]),
                                     ops.concatenate([real_p, fake_p]))
        return {metric.name: metric.result() for metric in self.metrics}

    def train_step(self, *arguments):
        """One discriminator step then one generator step, on the current Keras backend.

        The losses are written once (`_discriminator_loss`,
        `_generator_loss`); only the gradient computation differs per
        backend, as in the Keras guides "customizing what happens in fit":
        `tf.GradientTape` on TensorFlow, `backward()` on PyTorch, and
        `jax.value_and_grad` over the variables' values on JAX, whose
        trainer passes the state in and takes it back (`train_step(state,
        data)`).
        """
        if keras.backend.backend() == "jax":
            return self._jax_train_step(*arguments)
        images, conditions = arguments[0]
        d_loss, (real_p, fake_p) = self._step(self._discriminator_loss, images, conditions,
                                              self.discriminator.trainable_variables, self.d_optimizer)
        g_loss, _ = self._step(self._generator_loss, images, conditions,
                               self.generator.trainable_variables, self.g_optimizer)
        return self._update_metrics(d_loss, g_loss, real_p, fake_p)

    def _step(self, loss_fn, images, conditions, variables, optimizer):
        """Computes `loss_fn` and applies its gradients to `variables` (TensorFlow and PyTorch)."""
        if keras.backend.backend() == "torch":
            import torch

            self.zero_grad()
            loss, outputs = loss_fn(images, conditions)
            loss.backward()
            gradients = [variable.value.grad for variable in variables]
            with torch.no_grad():
                optimizer.apply(gradients, variables)
            return loss, outputs
        
        with tf.GradientTape() as tape:
            loss, outputs = loss_fn(images, conditions)
        optimizer.apply(tape.gradient(loss, variables), variables)
        return loss, outputs

    def _jax_train_step(self, state, data):
        """The JAX step: pure in the variables' values, as the JAX trainer compiles it."""
        import jax

        trainable, non_trainable, optimizer_values, metric_values = state
        images, conditions = data
        values = {id(variable): value for variable, value in zip(self.trainable_variables, trainable)}
        values.update({id(variable): value for variable, value in zip(self.non_trainable_variables, non_trainable)})
        everything = self.trainable_variables + self.non_trainable_variables
        d_count = len(self.d_optimizer.variables)
        optimizer_values = {self.d_optimizer: list(optimizer_values[:d_count]),
                            self.g_optimizer: list(optimizer_values[d_count:])}
        losses = {}
        for loss_fn, network, optimizer in ((self._discriminator_loss, self.discriminator, self.d_optimizer),
                                            (self._generator_loss, self.generator, self.g_optimizer)):
            variables = network.trainable_variables

            def pure_loss(own_values, variables=variables, loss_fn=loss_fn):
                mapping = [(variable, values[id(variable)]) for variable in everything]
                with keras.StatelessScope(state_mapping=mapping + list(zip(variables, own_values))) as scope:
                    loss, outputs = loss_fn(images, conditions)
                updated = {id(variable): scope.get_current_value(variable) for variable in self.non_trainable_variables}
                return loss, (outputs, updated)

            own = [values[id(variable)] for variable in variables]
            (loss, (outputs, updated)), gradients = jax.value_and_grad(pure_loss, has_aux=True)(own)
            values.update({key: value for key, value in updated.items() if value is not None})
            own, optimizer_values[optimizer] = optimizer.stateless_apply(optimizer_values[optimizer], gradients, own)
            values.update(zip(map(id, variables), own))
            losses[network.name] = loss, outputs
        (d_loss, (real_p, fake_p)), (g_loss, _) = losses["discriminator"], losses["generator"]
        with keras.StatelessScope(state_mapping=list(zip(self.metrics_variables, metric_values))) as scope:
            logs = self._update_metrics(d_loss, g_loss, real_p, fake_p)
        metric_values = [scope.get_current_value(variable) for variable in self.metrics_variables]
        return logs, ([values[id(variable)] for variable in self.trainable_variables],
                      [values[id(variable)] for variable in self.non_trainable_variables],
                      optimizer_values[self.d_optimizer] + optimizer_values[self.g_optimizer],
                      metric_values)

    def generate(self, conditions, seed=None):
        """Generates one image per condition.

        Args:
            conditions: `(n, condition_dim)` array.
            seed: Seed of the noise, for repeatable samples.

        Returns:
            A numpy array `(n,) + image_shape`.
        """
        conditions = np.asarray(conditions, dtype="float32")
        noise = np.random.default_rng(seed).normal(size=(len(conditions), self.latent_dim)).astype("float32")
        return ops.convert_to_numpy(self.generator({"noise": noise, "condition": conditions}, training=False))

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "real_label": self.real_label,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        discriminator = keras.saving.deserialize_keras_object(config.pop("discriminator"))
        return cls(generator, discriminator, **config)


@renamed_arguments(units="hidden_units")
def conditional_gan(image_shape=(28, 28, 1), condition_dim=10, latent_dim=64, hidden_units=(128, 256), dropout=0.3):
    """Builds a conditional GAN of two MLPs.

    The condition is a vector: a one-hot class label (`condition_dim` =
    number of classes) or another modality's embedding (e.g. a spoken
    digit's audio features, to generate a digit image from speech).

    Args:
        image_shape: Generated image size.
        condition_dim: Size of the condition vector.
        latent_dim: Size of the noise vector z.
        hidden_units: Widths of the generator's hidden layers (the discriminator
            uses them in reverse order).
        dropout: Dropout rate in the discriminator.

    Returns:
        A `ConditionalGAN` (compile it, then `fit` on `(images, conditions)`).
    """
    image_shape = check_input_shape("image_shape", image_shape, 3)
    check_positive_int("condition_dim", condition_dim)
    check_positive_int("latent_dim", latent_dim)
    return ConditionalGAN(
        _generator(latent_dim, condition_dim, image_shape, hidden_units),
        _discriminator(condition_dim, image_shape, hidden_units, dropout),
        name="conditional_gan",
    )


def sample_grid(gan, path, classes=None, samples_per_class=8, seed=0):
    """Saves a grid of generated images, one row per class, as a PNG.

    Args:
        gan: A `ConditionalGAN` with one-hot class conditions.
        path: The PNG file to write.
        classes: Class ids of the rows (default: every class).
        samples_per_class: Images per row.
        seed: Seed of the noise.

    Returns:
        The `matplotlib.figure.Figure`.
    """
    condition_dim = gan.generator.input["condition"].shape[-1]
    classes = list(range(condition_dim)) if classes is None else list(classes)
    conditions = np.repeat(np.eye(condition_dim, dtype="float32")[classes], samples_per_class, axis=0)
    images = gan.generate(conditions, seed=seed)
    figure, axes = pyplot.subplots(len(classes), samples_per_class,
                                   figsize=(samples_per_class, len(classes)), squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.imshow(images[index].squeeze(-1) if images.shape[-1] == 1 else images[index], cmap="gray")
        axis.set_axis_off()
    for row, label in enumerate(classes):
        axes[row, 0].set_title(f"class {label}", fontsize=7, loc="left")
    figure.tight_layout()
    save_figure(figure, path)
    pyplot.close(figure)
    return figure


def _gan_data(num_samples, seed, config):
    image_shape = config["image_shape"]
    inputs, _, factors = example_inputs(num_samples, seed, "image", image=("pixels", image_shape), jitter=False)
    conditions = np.eye(config["condition_dim"], dtype="float32")[factors["image"] % config["condition_dim"]]
    return inputs["image"], conditions


register(ZooEntry(
    name="conditional_gan",
    summary="Conditional GAN: G(z, condition) and D(x, condition) of MLPs, trained alternately.",
    modalities=("image", "condition"),
    reproduces="The conditional GAN tutorial: generate an image of a requested class (or from another "
               "modality's embedding).",
    architecture=f"""
        G: z ({{latent_dim}}) * Dense({{latent_dim}})(condition) -> Dense(u) per u in hidden_units={{hidden_units}}
           (BatchNorm, LeakyReLU) -> Dense(h*w*c, sigmoid)
        D: [image, Dense(h*w)(condition) as an extra channel] -> Flatten -> Dense(u) per u in the
           hidden_units reversed (LeakyReLU, Dropout({{dropout}})) -> Dense(1, sigmoid)
        L_D = -[log D(x) + log(1 - D(G(z)))],  L_G = -log D(G(z))
        Adam({D_LEARNING_RATE}, beta_1={ADAM_BETA_1}) for D, Adam({G_LEARNING_RATE}, beta_1={ADAM_BETA_1}) for G
    """,
    corrections=(
        "The discriminator is frozen in the generator step by computing gradients only for the "
        "generator's weights, not by toggling trainable on a compiled model (which Keras 3 ignores).",
        "The generator loss is the non-saturating -log D(G(z)), as in the formula, not "
        "log(1 - D(G(z))), which stops learning when D wins early.",
    ),
    builder=conditional_gan,
    example_data=_gan_data,
    learning_rate=2e-4,
))
