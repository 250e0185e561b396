import keras
import pytest

from keras_gans.training import OptimizerGroup
from tests import helpers


def test_group_variables_cover_every_member_and_serialize():
    model = helpers.tiny_dcgan()
    model.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer="auto")
    group = model.optimizer
    assert isinstance(group, OptimizerGroup)
    ids = {id(v) for v in group.variables}
    assert all(id(v) in ids for v in model.d_optimizer.variables)
    assert all(id(v) in ids for v in model.g_optimizer.variables)
    # Adam: iterations, lr, and two slots per generator variable.
    n_g = len(model.generator.trainable_variables)
    assert len(model.g_optimizer.variables) == 2 + 2 * n_g
    clone = OptimizerGroup.from_config(group.get_config())
    assert type(clone["discriminator"]).__name__ == "SGD"
    assert clone["generator"].beta_1 == pytest.approx(0.5)
    assert group.iterations is model.g_optimizer.iterations


def test_group_refuses_to_apply_and_to_take_a_learning_rate():
    group = OptimizerGroup({"a": "sgd"})
    with pytest.raises(NotImplementedError):
        group.apply([], [])
    with pytest.raises(AttributeError, match="member"):
        group.learning_rate = 0.1
    with pytest.raises(ValueError, match="primary='b'"):
        OptimizerGroup({"a": "sgd"}, primary="b")
