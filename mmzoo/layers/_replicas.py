"""The rows of every replica of a `tf.distribute` strategy, for a loss whose rows see each other."""

import keras


def gather_replicas(tensors):
    """Gathers a structure of `(batch, ...)` tensors over the replicas of a `tf.distribute` strategy.

    A contrastive loss compares every row of a batch with every other; under
    a `tf.distribute` strategy each replica holds only its share of the
    batch. Inside a replica of a strategy with more than one replica in
    sync, this returns the rows of every replica, in replica order, and the
    position of this replica's first row among them. Gradients flow back
    through the gather to the replica each row came from. Anywhere else
    (one replica, no strategy, or a backend other than TensorFlow, where
    `keras.distribution` splits one array and a layer sees the whole batch)
    the tensors are returned as they are.

    Args:
        tensors: A structure (dict, list, tensor) of tensors with the same
            number of rows.

    Returns:
        A tuple `(gathered, offset)`: the structure with each tensor's rows
        of every replica, and the index of this replica's first row in them
        (0 when nothing is gathered).
    """
    if keras.backend.backend() != "tensorflow":
        return tensors, 0
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return tensors, 0
    rows = tf.shape(tf.nest.flatten(tensors)[0])[:1]
    counts = context.all_gather(rows, axis=0)
    offset = tf.reduce_sum(counts[:context.replica_id_in_sync_group])
    return tf.nest.map_structure(lambda tensor: context.all_gather(tensor, axis=0), tensors), offset
