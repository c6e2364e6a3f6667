"""Packaging for mmzoo, a Keras 3 zoo of multimodal (image, text, audio) models."""

import pathlib

from setuptools import find_packages, setup

HERE = pathlib.Path(__file__).parent

setup(
    name="mmzoo",
    version="0.1.0",
    description="Multimodal (image + text + audio) model zoo for TensorFlow / Keras 3",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=find_packages(include=["mmzoo", "mmzoo.*"]),
    include_package_data=True,
    install_requires=[
        "tensorflow>=2.16",
        "keras>=3.0",
        "numpy",
        "pandas",
        "matplotlib",
        "librosa",
        "scikit-learn",
    ],
    entry_points={"console_scripts": ["mmzoo=mmzoo.cli:main"]},
    extras_require={
        "dev": [
            "pytest",
            "nbformat",
            "nbclient",
            "ipykernel",
        ],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
