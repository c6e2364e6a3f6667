"""Zero-shot CLIP embeddings: mmzoo's dual encoder next to keras-hub's own CLIP pipeline written by hand.

The same CLIP is embedded two ways, side by side in one process, on the
same images and texts:

- mmzoo: `zoo.build("pretrained_dual_encoder", embedding_dim=None)` on a
  local preset folder, then `mmzoo.retrieval.embed` for each modality (the
  tokenizer and image converter run inside the model);
- hand-written keras-hub, as its documentation shows it: a
  `keras_hub.models.CLIPPreprocessor` (tokenizer, packer, image converter),
  then the backbone's `get_vision_embeddings` and `get_text_embeddings` in a
  Keras model, predicted in batches, and L2 normalised with numpy.

It reports the time of each (median of `--repeats` alternated runs, after
an untimed one), their ratio, and the largest difference between the two
embeddings (they must be the same numbers).

The CLIP is random (no download needed) with the shape of the
`clip_vit_base_patch32` preset: 224x224 images in 32x32 patches, a vision
tower of 12 layers of width 768, a text tower of 12 layers of width 512,
77 tokens, projections to 512; its vocabulary is a small BPE one (the
vocabulary size does not change the cost of the towers). Prints the table
and writes it to `bench/results/zero_shot_embedding.md`:

    python bench/zero_shot_embedding.py

About five minutes on two idle CPU cores with the defaults.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

import keras
import numpy as np

from bench_common import clip_bpe_vocabulary, command, machine, markdown_table, positive_int, write_results, RESULTS_DIR
from mmzoo import retrieval, zoo

WORDS = ("a", "the", "photo", "of", "cat", "dog", "car", "tree", "red", "blue", "small", "big", "on", "near")
IMAGE_SIZE = 224
SEQUENCE_LENGTH = 77


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=positive_int, default=64, help="images embedded per run")
    parser.add_argument("--texts", type=positive_int, default=256, help="texts embedded per run")
    parser.add_argument("--batch-size", type=positive_int, default=32, help="samples per step, both ways")
    parser.add_argument("--repeats", type=positive_int, default=5, help="timed runs of each way")
    parser.add_argument("--out", default=str(RESULTS_DIR / "zero_shot_embedding.md"), help="results file")
    return parser.parse_args(argv)


def save_clip(folder):
    """Saves a random CLIP of clip_vit_base_patch32's shape, with a small BPE tokenizer and its image converter."""
    import keras_hub

    vocabulary, merges = clip_bpe_vocabulary(WORDS)
    keras.utils.set_random_seed(0)
    vision = keras_hub.models.CLIPVisionEncoder(patch_size=32, hidden_dim=768, num_layers=12, num_heads=12,
                                                intermediate_dim=3072, image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
    text = keras_hub.models.CLIPTextEncoder(vocabulary_size=len(vocabulary), embedding_dim=512, hidden_dim=512,
                                            num_layers=12, num_heads=8, intermediate_dim=2048,
                                            max_sequence_length=SEQUENCE_LENGTH)
    backbone = keras_hub.models.CLIPBackbone(vision, text, projection_dim=512)
    backbone.save_to_preset(folder)
    keras_hub.tokenizers.CLIPTokenizer(vocabulary=vocabulary, merges=merges).save_to_preset(folder)
    keras_hub.layers.CLIPImageConverter(image_size=(IMAGE_SIZE, IMAGE_SIZE)).save_to_preset(folder)
    return backbone.count_params()


def samples(num_images, num_texts):
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (num_images, IMAGE_SIZE, IMAGE_SIZE, 3)).astype("float32")
    texts = np.array([" ".join(rng.choice(WORDS, 6)).capitalize() for _ in range(num_texts)], dtype=object)
    return images, texts


def hand_written(folder, batch_size):
    """keras-hub's own way: its CLIPPreprocessor, the backbone's embedding methods in a model, numpy normalisation."""
    import keras_hub

    backbone = keras_hub.models.Backbone.from_preset(folder)
    preprocessor = keras_hub.models.CLIPPreprocessor.from_preset(folder, sequence_length=SEQUENCE_LENGTH)
    image_input = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3))
    token_input = keras.Input((SEQUENCE_LENGTH,), dtype="int32")
    vision = keras.Model(image_input, backbone.get_vision_embeddings(image_input))
    text = keras.Model(token_input, backbone.get_text_embeddings(token_input))

    def normalised(values):
        return values / np.linalg.norm(values, axis=1, keepdims=True)

    def embed(images, texts):
        converted = np.concatenate([np.asarray(preprocessor.image_converter(images[start:start + batch_size]))
                                    for start in range(0, len(images), batch_size)])
        token_ids = np.concatenate([np.asarray(preprocessor({"images": images[:1],
                                                             "prompts": texts[start:start + batch_size]})["token_ids"])
                                    for start in range(0, len(texts), batch_size)])
        return {"image": normalised(vision.predict(converted, batch_size=batch_size, verbose=0)),
                "text": normalised(text.predict(token_ids, batch_size=batch_size, verbose=0))}

    return embed


def with_mmzoo(folder, batch_size):
    """mmzoo's way: the zoo's zero-shot dual encoder and `retrieval.embed`."""
    model = zoo.build("pretrained_dual_encoder", image_preset=folder, text_preset=folder,
                      image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), sequence_length=SEQUENCE_LENGTH, embedding_dim=None)

    def embed(images, texts):
        return {"image": retrieval.embed(model, images, "image", batch_size=batch_size),
                "text": retrieval.embed(model, texts, "text", batch_size=batch_size)}

    return embed


def timed(embed, images, texts):
    start = time.perf_counter()
    embeddings = embed(images, texts)
    return time.perf_counter() - start, embeddings


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    arguments = parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        preset = os.path.join(folder, "clip")
        print("Saving a random CLIP of clip_vit_base_patch32's shape ...", flush=True)
        parameters = save_clip(preset)
        images, texts = samples(arguments.images, arguments.texts)
        ways = {"mmzoo (pretrained_dual_encoder, embedding_dim=None)": with_mmzoo(preset, arguments.batch_size),
                "keras-hub by hand (CLIPPreprocessor + get_*_embeddings)": hand_written(preset, arguments.batch_size)}
        times, outputs = {name: [] for name in ways}, {}
        for name, embed in ways.items():
            outputs[name] = timed(embed, images, texts)[1]  # untimed: traces the functions
        for repeat in range(arguments.repeats):
            for name, embed in ways.items():
                seconds, _ = timed(embed, images, texts)
                times[name].append(seconds)
                print(f"run {repeat + 1}: {name}: {seconds:.2f} s", flush=True)
    mmzoo_name, reference_name = ways
    difference = max(float(np.abs(outputs[mmzoo_name][modality] - outputs[reference_name][modality]).max())
                     for modality in ("image", "text"))
    medians = {name: statistics.median(values) for name, values in times.items()}
    rows = [[name, f"{medians[name]:.2f}", f"{min(values):.2f} / {max(values):.2f}",
             f"{(arguments.images + arguments.texts) / medians[name]:.1f}"] for name, values in times.items()]
    ratio = medians[reference_name] / medians[mmzoo_name]
    text = "\n".join([
        f"# Zero-shot CLIP embeddings: mmzoo vs keras-hub by hand ({arguments.images} images + "
        f"{arguments.texts} texts)",
        "",
        markdown_table(["way", "median s", "min / max s", "samples/s"], rows, align="lrrr"),
        "",
        f"- speed: hand-written time / mmzoo time = {ratio:.2f} ({'met' if ratio >= 0.95 else 'MISSED'}: "
        "mmzoo at least as fast, within 5% noise)",
        f"- same embeddings: largest difference {difference:.2e} "
        f"({'met' if difference < 1e-4 else 'MISSED'}: below 1e-4)",
        "",
        f"A random CLIP of `clip_vit_base_patch32`'s shape ({parameters:,} weights), {arguments.repeats} timed "
        f"runs of each way alternated after an untimed one, batch {arguments.batch_size}; both include the "
        "tokenizing and the image conversion. mmzoo runs them inside the model (`branches.from_preset(..., "
        "pooling=\"embedding\")`), keras-hub's `CLIPPreprocessor` before it.",
        "",
        f"Command: `{command(__file__, argv)}`. {machine()}.",
        "",
    ])
    print("\n" + text)
    write_results(arguments.out, text)


if __name__ == "__main__":
    main()
