"""`get_strategy` picks a strategy by name or from the environment, and says why."""

import json
import logging
import types

import pytest
import tensorflow as tf

import mmzoo.training
from mmzoo.training.strategy import choose_strategy, is_chief

TWO_WORKERS = {"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, "task": {"type": "worker", "index": 1}}


@pytest.fixture()
def no_cluster(monkeypatch):
    for variable in ("TF_CONFIG", "TPU_NAME", "COLAB_TPU_ADDR"):
        monkeypatch.delenv(variable, raising=False)


def test_auto_on_one_cpu_is_the_default_strategy_and_logs_why(no_cluster, caplog):
    with caplog.at_level(logging.INFO, logger="mmzoo.training"):
        strategy = mmzoo.training.get_strategy("auto")
    assert strategy is tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert "no GPU, no TPU and no multi-worker TF_CONFIG" in caplog.text


def test_default_and_given_strategies(no_cluster, caplog):
    assert mmzoo.training.get_strategy("default") is tf.distribute.get_strategy()
    given = tf.distribute.OneDeviceStrategy("/cpu:0")
    with caplog.at_level(logging.INFO, logger="mmzoo.training"):
        assert mmzoo.training.get_strategy(given) is given
    assert "OneDeviceStrategy" in caplog.text


def test_auto_picks_multi_worker_when_tf_config_describes_a_cluster(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps(TWO_WORKERS))
    assert choose_strategy("auto") == ("multi_worker", "TF_CONFIG describes a cluster of 2 workers")


def test_auto_picks_tpu_when_a_tpu_is_named(no_cluster, monkeypatch):
    monkeypatch.setenv("TPU_NAME", "my-tpu")
    assert choose_strategy("auto") == ("tpu", "a TPU was found (my-tpu)")


def test_a_one_task_tf_config_is_not_a_cluster(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["127.0.0.1:1"]},
                                                "task": {"type": "worker", "index": 0}}))
    assert choose_strategy("auto")[0] == "default"


def test_asked_names_are_kept(no_cluster):
    for name in ("default", "mirrored", "multi_worker", "tpu"):
        assert choose_strategy(name) == (name, f"strategy={name!r} was asked for")


@pytest.mark.parametrize(
    "strategy, error, fragment",
    [("mirror", ValueError, "Received: strategy='mirror'"),
     ("", ValueError, "Received: strategy=''"),
     (2, TypeError, "Received: strategy=2")],
)
def test_bad_strategy_names(strategy, error, fragment):
    with pytest.raises(error, match=fragment):
        mmzoo.training.get_strategy(strategy)


def test_bad_tf_config_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match=r"TF_CONFIG.*Received: TF_CONFIG='\{not json'"):
        mmzoo.training.get_strategy("auto")


def _with_task(task_type, task_id, cluster):
    resolver = types.SimpleNamespace(task_type=task_type, task_id=task_id,
                                     cluster_spec=lambda: tf.train.ClusterSpec(cluster))
    return types.SimpleNamespace(cluster_resolver=resolver)


def test_the_chief_is_the_chief_task_or_else_worker_zero():
    workers = {"worker": ["a:1", "b:1"]}
    with_chief = {"chief": ["c:1"], "worker": ["a:1", "b:1"]}
    assert is_chief(tf.distribute.get_strategy())
    assert is_chief(_with_task("worker", 0, workers))
    assert not is_chief(_with_task("worker", 1, workers))
    assert is_chief(_with_task("chief", 0, with_chief))
    assert not is_chief(_with_task("worker", 0, with_chief))
