"""Keras LSTM and GRU weights ported into torch.nn.LSTM / nn.GRU give the same numbers.

The tests that run PyTorch are skipped without it; the weight plumbing is tested either way.
"""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import recurrent_weights
from lstm_helpers._runtime import keras
from lstm_helpers.reference import gru_forward, lstm_forward
from lstm_helpers.torch_port import (
    to_torch_gru,
    to_torch_lstm,
    torch_gru_weights,
    torch_lstm_weights,
)

TOLERANCE = 1e-5


def as_numpy(returned):
    return [keras.ops.convert_to_numpy(t) for t in returned]


def sample(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def test_weights_are_transposed_and_the_second_bias_is_zero():
    layer = keras.layers.LSTM(4)
    layer(sample((2, 3, 5)))
    kernel, recurrent_kernel, bias = recurrent_weights(layer)
    weights = torch_lstm_weights(layer)
    assert list(weights) == [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
    ]
    np.testing.assert_array_equal(weights["weight_ih_l0"], kernel.T)
    np.testing.assert_array_equal(weights["weight_hh_l0"], recurrent_kernel.T)
    np.testing.assert_array_equal(weights["bias_ih_l0"], bias)
    assert weights["weight_ih_l0"].shape == (16, 5)
    assert not weights["bias_hh_l0"].any()


def test_bidirectional_weights_come_from_both_halves():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(3))
    layer(sample((2, 4, 2)))
    weights = torch_lstm_weights(layer)
    assert sorted(weights) == sorted(
        f"{kind}_l0{suffix}"
        for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        for suffix in ("", "_reverse")
    )
    backward_kernel = recurrent_weights(layer.backward_layer)[0]
    np.testing.assert_array_equal(weights["weight_ih_l0_reverse"], backward_kernel.T)


@pytest.mark.parametrize("timesteps", [1, 7])
def test_ported_lstm_returns_what_keras_returns(timesteps):
    torch = pytest.importorskip("torch")
    x = sample((3, timesteps, 5), seed=timesteps)
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    sequences, h, c = as_numpy(layer(x))
    with torch.no_grad():
        output, (h_n, c_n) = to_torch_lstm(layer)(torch.from_numpy(x))
    assert tuple(output.shape) == (3, timesteps, 4)
    assert tuple(h_n.shape) == tuple(c_n.shape) == (1, 3, 4)
    assert np.abs(output.numpy() - sequences).max() < TOLERANCE
    assert np.abs(h_n[0].numpy() - h).max() < TOLERANCE
    assert np.abs(c_n[0].numpy() - c).max() < TOLERANCE
    # and the NumPy reference agrees with both
    assert (
        np.abs(lstm_forward(x, *recurrent_weights(layer))[0] - output.numpy()).max()
        < TOLERANCE
    )


def test_ported_lstm_with_time_major_input():
    torch = pytest.importorskip("torch")
    x = sample((2, 6, 3))
    layer = keras.layers.LSTM(5)
    last = as_numpy([layer(x)])[0]
    with torch.no_grad():
        output, _ = to_torch_lstm(layer, batch_first=False)(
            torch.from_numpy(x.transpose(1, 0, 2))
        )
    assert tuple(output.shape) == (6, 2, 5)
    assert np.abs(output[-1].numpy() - last).max() < TOLERANCE


def test_ported_bidirectional_lstm_puts_forward_then_backward():
    torch = pytest.importorskip("torch")
    x = sample((2, 6, 3), seed=1)
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_sequences=True, return_state=True)
    )
    sequences, forward_h, forward_c, backward_h, backward_c = as_numpy(layer(x))
    with torch.no_grad():
        output, (h_n, c_n) = to_torch_lstm(layer)(torch.from_numpy(x))
    assert tuple(output.shape) == (2, 6, 8)
    assert tuple(h_n.shape) == (2, 2, 4)
    assert np.abs(output.numpy() - sequences).max() < TOLERANCE
    for torch_state, keras_state in (
        (h_n[0], forward_h),
        (h_n[1], backward_h),
        (c_n[0], forward_c),
        (c_n[1], backward_c),
    ):
        assert np.abs(torch_state.numpy() - keras_state).max() < TOLERANCE


def test_a_layer_that_is_not_recurrent_is_refused():
    with pytest.raises(
        TypeError, match="expected a keras.layers.LSTM, GRU or SimpleRNN"
    ):
        torch_lstm_weights(keras.layers.Dense(3))


def test_an_unbuilt_layer_is_refused():
    with pytest.raises(ValueError, match="not built yet"):
        torch_lstm_weights(keras.layers.LSTM(3))


def test_batch_first_must_be_a_bool():
    layer = keras.layers.LSTM(3)
    layer(np.zeros((1, 2, 2), "float32"))
    with pytest.raises(TypeError, match="batch_first must be a bool, got int"):
        to_torch_lstm(layer, batch_first=1)


# GRU ---------------------------------------------------------------------------------------


def random_gru(units, features, *, bidirectional=False, seed=0, **options):
    """A built GRU with random weights everywhere, biases included.

    A fresh GRU's biases are zeros, which would hide a bias row put in the wrong place.
    """
    layer = keras.layers.GRU(
        units, return_sequences=True, return_state=True, **options
    )
    if bidirectional:
        layer = keras.layers.Bidirectional(layer)
    layer.build((None, None, features))
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [
            rng.normal(scale=0.5, size=w.shape).astype("float32")
            for w in layer.get_weights()
        ]
    )
    return layer


def test_gru_gates_move_from_z_r_h_to_r_z_n():
    units = 4
    layer = random_gru(units, 5)
    kernel, recurrent_kernel, bias = recurrent_weights(layer)
    weights = torch_gru_weights(layer)
    assert list(weights) == [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
    ]
    assert weights["weight_ih_l0"].shape == (12, 5)
    assert weights["weight_hh_l0"].shape == (12, 4)
    z, r, h = slice(0, units), slice(units, 2 * units), slice(2 * units, 3 * units)
    # PyTorch's rows: r (reset), z (update), n (new, Keras's h), each block transposed
    for torch_rows, keras_columns in (
        (slice(0, 4), r),
        (slice(4, 8), z),
        (slice(8, 12), h),
    ):
        np.testing.assert_array_equal(
            weights["weight_ih_l0"][torch_rows], kernel[:, keras_columns].T
        )
        np.testing.assert_array_equal(
            weights["weight_hh_l0"][torch_rows], recurrent_kernel[:, keras_columns].T
        )
        # the two bias rows stay apart: row 0 with the input, row 1 with the recurrent part
        np.testing.assert_array_equal(
            weights["bias_ih_l0"][torch_rows], bias[0, keras_columns]
        )
        np.testing.assert_array_equal(
            weights["bias_hh_l0"][torch_rows], bias[1, keras_columns]
        )


@pytest.mark.parametrize("timesteps", [1, 7])
def test_ported_gru_returns_what_keras_returns(timesteps):
    torch = pytest.importorskip("torch")
    x = sample((3, timesteps, 5), seed=timesteps)
    layer = random_gru(4, 5, seed=timesteps)
    sequences, h = as_numpy(layer(x))
    with torch.no_grad():
        output, h_n = to_torch_gru(layer)(torch.from_numpy(x))
    assert isinstance(to_torch_gru(layer), torch.nn.GRU)
    assert tuple(output.shape) == (3, timesteps, 4)
    assert tuple(h_n.shape) == (1, 3, 4)
    assert np.abs(output.numpy() - sequences).max() < TOLERANCE
    assert np.abs(h_n[0].numpy() - h).max() < TOLERANCE
    # and the NumPy reference agrees with both
    assert (
        np.abs(gru_forward(x, *recurrent_weights(layer))[0] - output.numpy()).max()
        < TOLERANCE
    )


def test_the_numbers_would_show_a_wrong_gate_order():
    """The comparison above is sharp enough to see z and r left in Keras's order."""
    torch = pytest.importorskip("torch")
    x = sample((3, 6, 5), seed=2)
    layer = random_gru(4, 5, seed=2)
    sequences, _ = as_numpy(layer(x))
    kernel, recurrent_kernel, bias = recurrent_weights(layer)
    unordered = torch.nn.GRU(5, 4, batch_first=True)
    unordered.load_state_dict(
        {
            name: torch.from_numpy(np.ascontiguousarray(array.T))
            for name, array in (
                ("weight_ih_l0", kernel),
                ("weight_hh_l0", recurrent_kernel),
                ("bias_ih_l0", bias[0]),
                ("bias_hh_l0", bias[1]),
            )
        }
    )
    with torch.no_grad():
        output, _ = unordered(torch.from_numpy(x))
    assert np.abs(output.numpy() - sequences).max() > 100 * TOLERANCE


def test_ported_gru_with_time_major_input():
    torch = pytest.importorskip("torch")
    x = sample((2, 6, 3))
    layer = random_gru(5, 3, seed=3)
    _, last = as_numpy(layer(x))
    with torch.no_grad():
        output, h_n = to_torch_gru(layer, batch_first=False)(
            torch.from_numpy(x.transpose(1, 0, 2))
        )
    assert tuple(output.shape) == (6, 2, 5)
    assert np.abs(output[-1].numpy() - last).max() < TOLERANCE
    assert np.abs(h_n[0].numpy() - last).max() < TOLERANCE


def test_ported_bidirectional_gru_puts_forward_then_backward():
    torch = pytest.importorskip("torch")
    x = sample((2, 6, 3), seed=1)
    layer = random_gru(4, 3, bidirectional=True, seed=4)
    assert sorted(torch_gru_weights(layer)) == sorted(
        f"{kind}_l0{suffix}"
        for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        for suffix in ("", "_reverse")
    )
    sequences, forward_h, backward_h = as_numpy(layer(x))
    with torch.no_grad():
        output, h_n = to_torch_gru(layer)(torch.from_numpy(x))
    assert tuple(output.shape) == (2, 6, 8)
    assert tuple(h_n.shape) == (2, 2, 4)
    assert np.abs(output.numpy() - sequences).max() < TOLERANCE
    assert np.abs(h_n[0].numpy() - forward_h).max() < TOLERANCE
    assert np.abs(h_n[1].numpy() - backward_h).max() < TOLERANCE


PORTS = {
    "LSTM": (torch_lstm_weights, to_torch_lstm),
    "GRU": (torch_gru_weights, to_torch_gru),
}
L = keras.layers


@pytest.mark.parametrize(
    ("kind", "make_layer", "error", "expected"),
    [
        ("LSTM", lambda: L.GRU(3), TypeError, "expected a keras.layers.LSTM"),
        ("LSTM", lambda: L.SimpleRNN(3), TypeError, "expected a keras.layers.LSTM"),
        (
            "LSTM",
            lambda: L.LSTM(3, activation="relu"),
            ValueError,
            "activation='tanh'",
        ),
        (
            "LSTM",
            lambda: L.LSTM(3, go_backwards=True),
            ValueError,
            "go_backwards=False",
        ),
        ("LSTM", lambda: L.LSTM(3, use_bias=False), ValueError, "expected a bias"),
        (
            "GRU",
            lambda: L.LSTM(3),
            TypeError,
            "expected a keras.layers.GRU or a Bidirectional",
        ),
        ("GRU", lambda: L.SimpleRNN(3), TypeError, "expected a keras.layers.GRU"),
        (
            "GRU",
            lambda: L.GRU(3, reset_after=False),
            ValueError,
            "only reset_after=True",
        ),
        (
            "GRU",
            lambda: L.Bidirectional(L.GRU(3, reset_after=False)),
            ValueError,
            "only reset_after=True",
        ),
        ("GRU", lambda: L.GRU(3, activation="relu"), ValueError, "activation='tanh'"),
        (
            "GRU",
            lambda: L.GRU(3, recurrent_activation="hard_sigmoid"),
            ValueError,
            "recurrent_activation='sigmoid'",
        ),
        ("GRU", lambda: L.GRU(3, go_backwards=True), ValueError, "go_backwards=False"),
        ("GRU", lambda: L.GRU(3, use_bias=False), ValueError, "expected a bias"),
    ],
)
def test_layers_torch_nn_cannot_match_are_refused(kind, make_layer, error, expected):
    layer = make_layer()
    layer(np.zeros((1, 2, 2), "float32"))
    for port in PORTS[kind]:  # the weights, and the module built from them
        with pytest.raises(error, match=expected):
            port(layer)


@pytest.mark.parametrize(
    ("layer", "error", "expected"),
    [
        (
            keras.layers.Dense(3),
            TypeError,
            "expected a keras.layers.LSTM, GRU or SimpleRNN",
        ),
        ("GRU", TypeError, "got str"),
        (keras.layers.GRU(3), ValueError, "not built yet"),
    ],
)
def test_gru_port_refuses_what_is_not_a_built_gru(layer, error, expected):
    with pytest.raises(error, match=expected):
        torch_gru_weights(layer)


def test_gru_batch_first_must_be_a_bool():
    layer = random_gru(3, 2)
    with pytest.raises(TypeError, match="batch_first must be a bool, got str"):
        to_torch_gru(layer, batch_first="yes")
