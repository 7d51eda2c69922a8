"""The NumPy LSTM and GRU in lstm_helpers.reference, held to real Keras layers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_helpers import recurrent_weights
from lstm_helpers._runtime import keras
from lstm_helpers.reference import LSTMStep, gru_forward, lstm_forward, lstm_step

TOLERANCE = 1e-5


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def random_lstm_weights(rng, features, units, scale=0.5):
    return (
        rng.normal(scale=scale, size=(features, 4 * units)),
        rng.normal(scale=scale, size=(units, 4 * units)),
        rng.normal(scale=scale, size=(4 * units,)),
    )


def as_numpy(returned):
    return [keras.ops.convert_to_numpy(t) for t in returned]


# --- lstm_step -------------------------------------------------------------------------------


def test_lstm_step_follows_the_gate_equations_column_block_by_column_block():
    rng = np.random.default_rng(0)
    features, units = 3, 2
    kernel, recurrent_kernel, bias = random_lstm_weights(rng, features, units)
    x_t, h_prev, c_prev = (
        rng.normal(size=(4, features)),
        rng.normal(size=(4, units)),
        rng.normal(size=(4, units)),
    )

    step = lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)

    def block(k):  # columns k*units ... (k+1)*units belong to gate k of i, f, c, o
        cols = slice(k * units, (k + 1) * units)
        return x_t @ kernel[:, cols] + h_prev @ recurrent_kernel[:, cols] + bias[cols]

    np.testing.assert_allclose(step.i, sigmoid(block(0)))
    np.testing.assert_allclose(step.f, sigmoid(block(1)))
    np.testing.assert_allclose(step.g, np.tanh(block(2)))
    np.testing.assert_allclose(step.o, sigmoid(block(3)))
    np.testing.assert_allclose(step.c, step.f * c_prev + step.i * step.g)
    np.testing.assert_allclose(step.h, step.o * np.tanh(step.c))
    assert isinstance(step, LSTMStep)
    for name in ("i", "f", "g", "o", "c", "h"):
        assert getattr(step, name).shape == (4, units)


def test_lstm_step_gates_are_in_range_and_h_is_bounded_while_c_is_not():
    rng = np.random.default_rng(1)
    kernel, recurrent_kernel, bias = random_lstm_weights(rng, 3, 4, scale=1.0)
    step = lstm_step(
        rng.normal(size=(50, 3)),
        np.zeros((50, 4)),
        np.full((50, 4), 5.0),
        kernel,
        recurrent_kernel,
        bias,
    )
    for gate in (step.i, step.f, step.o):
        assert np.all((gate > 0) & (gate < 1))
    assert np.all(np.abs(step.g) < 1)
    assert np.all(np.abs(step.h) < 1)
    assert np.abs(step.c).max() > 1


def test_lstm_step_takes_one_unbatched_sequence_too():
    rng = np.random.default_rng(2)
    weights = random_lstm_weights(rng, 3, 2)
    x_t, h_prev, c_prev = rng.normal(size=3), rng.normal(size=2), rng.normal(size=2)
    single = lstm_step(x_t, h_prev, c_prev, *weights)
    batched = lstm_step(x_t[None], h_prev[None], c_prev[None], *weights)
    assert single.h.shape == (2,)
    np.testing.assert_allclose(single.h, batched.h[0])
    np.testing.assert_allclose(single.c, batched.c[0])


def test_lstm_step_equals_one_step_of_a_keras_lstm_from_a_given_state():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 1, 3)).astype("float32")
    h0, c0 = (rng.normal(size=(2, 4)).astype("float32") for _ in range(2))
    layer = keras.layers.LSTM(4, return_state=True)
    output, h, c = as_numpy(layer(x, initial_state=[h0, c0]))
    step = lstm_step(x[:, 0], h0, c0, *recurrent_weights(layer))
    assert np.abs(step.h - h).max() < TOLERANCE
    assert np.abs(step.c - c).max() < TOLERANCE
    assert np.abs(step.h - output).max() < TOLERANCE


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kernel": np.zeros((3, 7))}, "expected kernel of shape (features, 8)"),
        (
            {"recurrent_kernel": np.zeros((2, 6))},
            "expected recurrent_kernel of shape (2, 8)",
        ),
        ({"bias": np.zeros((2, 4))}, "expected bias of shape (8,)"),
        ({"x_t": np.zeros((4, 5))}, "expected x_t of shape (batch, 3)"),
        ({"h_prev": np.zeros((4, 3))}, "expected h_prev of shape (4, 2)"),
        ({"c_prev": np.zeros(2)}, "expected c_prev of shape (4, 2)"),
    ],
)
def test_lstm_step_names_the_expected_shape(change, expected):
    arguments = {
        "x_t": np.zeros((4, 3)),
        "h_prev": np.zeros((4, 2)),
        "c_prev": np.zeros((4, 2)),
        "kernel": np.zeros((3, 8)),
        "recurrent_kernel": np.zeros((2, 8)),
        "bias": np.zeros(8),
    }
    arguments.update(change)
    with pytest.raises(ValueError, match=re.escape(expected)):
        lstm_step(**arguments)


# --- lstm_forward and gru_forward against Keras ----------------------------------------------

cases = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["LSTM", "GRU"]),
        "batch": st.integers(1, 3),
        "timesteps": st.integers(1, 6),
        "features": st.integers(1, 4),
        "units": st.integers(1, 5),
        "masked": st.booleans(),
        "initial_state": st.booleans(),
        "go_backwards": st.booleans(),
        "seed": st.integers(0, 2**16),
    }
)


def expected_keras_outputs_on_jax(sequences, mask, h0, go_backwards):
    """Keras on JAX repeats h0 (not zeros) at masked steps before a sequence's first real one.

    The TensorFlow and PyTorch backends start the "previous output" at zeros; JAX's scan takes
    it from the state instead. The two differ only there, so the test states it exactly.
    """
    reading_mask = mask[:, ::-1] if go_backwards else mask
    before_first_real = np.cumsum(reading_mask, axis=1) == 0
    return np.where(before_first_real[..., None], h0[:, None, :], sequences)


# On JAX every new input shape compiles a new scan (about 1 s each), so fewer examples there.
MAX_EXAMPLES = 20 if keras.backend.backend() == "jax" else 60


@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases)
def test_forward_matches_keras(case):
    rng = np.random.default_rng(case["seed"])
    batch, timesteps, units = case["batch"], case["timesteps"], case["units"]
    x = rng.normal(size=(batch, timesteps, case["features"])).astype("float32")
    state_count = 2 if case["kind"] == "LSTM" else 1
    states = [
        rng.normal(size=(batch, units)).astype("float32") for _ in range(state_count)
    ]
    mask = rng.random((batch, timesteps)) < 0.7 if case["masked"] else None
    layer = getattr(keras.layers, case["kind"])(
        units,
        return_sequences=True,
        return_state=True,
        go_backwards=case["go_backwards"],
    )
    initial_state = states if case["initial_state"] else None
    keras_returned = as_numpy(layer(x, mask=mask, initial_state=initial_state))

    forward = lstm_forward if case["kind"] == "LSTM" else gru_forward
    ours = list(
        forward(
            x,
            *recurrent_weights(layer),
            initial_state=tuple(states) if case["initial_state"] else None,
            mask=mask,
            go_backwards=case["go_backwards"],
        )
    )
    if (
        keras.backend.backend() == "jax"
        and mask is not None
        and initial_state is not None
    ):
        ours[0] = expected_keras_outputs_on_jax(
            ours[0], mask, states[0], case["go_backwards"]
        )

    assert len(ours) == len(keras_returned) == 1 + state_count
    for mine, theirs in zip(ours, keras_returned):
        assert mine.shape == theirs.shape
        assert np.abs(mine - theirs).max() < TOLERANCE


def test_lstm_forward_is_lstm_step_in_a_loop_and_h_is_the_last_output():
    rng = np.random.default_rng(4)
    weights = random_lstm_weights(rng, 3, 2)
    x = rng.normal(size=(2, 5, 3))
    sequences, h, c = lstm_forward(x, *weights)
    h_t, c_t = np.zeros((2, 2)), np.zeros((2, 2))
    for t in range(5):
        step = lstm_step(x[:, t], h_t, c_t, *weights)
        h_t, c_t = step.h, step.c
        np.testing.assert_allclose(sequences[:, t], h_t)
    np.testing.assert_allclose(h, h_t)
    np.testing.assert_allclose(c, c_t)
    np.testing.assert_array_equal(h, sequences[:, -1])


def test_masked_steps_keep_the_state_and_repeat_the_previous_output():
    rng = np.random.default_rng(5)
    weights = random_lstm_weights(rng, 3, 2)
    x = rng.normal(size=(1, 6, 3))
    mask = np.array([[True, True, True, False, False, False]])
    sequences, h, c = lstm_forward(x, *weights, mask=mask)
    short, h_short, c_short = lstm_forward(x[:, :3], *weights)
    np.testing.assert_allclose(h, h_short)
    np.testing.assert_allclose(c, c_short)
    for t in range(3, 6):
        np.testing.assert_array_equal(sequences[:, t], sequences[:, 2])


def test_go_backwards_reads_the_reversed_sequence_and_does_not_re_reverse():
    rng = np.random.default_rng(6)
    weights = random_lstm_weights(rng, 3, 2)
    x = rng.normal(size=(2, 4, 3))
    backwards = lstm_forward(x, *weights, go_backwards=True)
    reversed_input = lstm_forward(x[:, ::-1], *weights)
    for a, b in zip(backwards, reversed_input):
        np.testing.assert_allclose(a, b)


def test_a_gru_with_initial_state_accepts_h0_alone_or_in_a_tuple():
    rng = np.random.default_rng(7)
    kernel, recurrent_kernel = rng.normal(size=(3, 6)), rng.normal(size=(2, 6))
    bias, x, h0 = (
        rng.normal(size=(2, 6)),
        rng.normal(size=(2, 4, 3)),
        rng.normal(size=(2, 2)),
    )
    bare = gru_forward(x, kernel, recurrent_kernel, bias, initial_state=h0)
    wrapped = gru_forward(x, kernel, recurrent_kernel, bias, initial_state=(h0,))
    np.testing.assert_array_equal(bare[1], wrapped[1])
    assert len(bare) == 2


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda: lstm_forward(
                np.zeros((2, 3)), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)
            ),
            "expected x of shape (batch, timesteps, 3), got shape (2, 3)",
        ),
        (
            lambda: lstm_forward(
                np.zeros((1, 2, 3)),
                np.zeros((3, 8)),
                np.zeros((2, 8)),
                np.zeros(8),
                initial_state=(np.zeros((1, 2)),),
            ),
            "expected initial_state as (h0, c0), each of shape (1, 2)",
        ),
        (
            lambda: lstm_forward(
                np.zeros((1, 2, 3)),
                np.zeros((3, 8)),
                np.zeros((2, 8)),
                np.zeros(8),
                initial_state=(np.zeros((1, 2)), np.zeros((2, 2))),
            ),
            "expected initial_state c0 of shape (1, 2)",
        ),
        (
            lambda: lstm_forward(
                np.zeros((1, 2, 3)),
                np.zeros((3, 8)),
                np.zeros((2, 8)),
                np.zeros(8),
                mask=np.ones((1, 3), bool),
            ),
            "expected mask of shape (1, 2)",
        ),
        (
            lambda: gru_forward(
                np.zeros((1, 2, 3)), np.zeros((3, 6)), np.zeros((2, 6)), np.zeros(6)
            ),
            "expected bias of shape (2, 6)",
        ),
        (
            lambda: gru_forward(
                np.zeros((1, 2, 3)),
                np.zeros((3, 8)),
                np.zeros((2, 8)),
                np.zeros((2, 8)),
            ),
            "expected recurrent_kernel of shape (2, 6), got shape (2, 8)",
        ),
    ],
)
def test_forward_names_the_expected_shape(call, expected):
    with pytest.raises(ValueError, match=re.escape(expected)):
        call()


def test_go_backwards_must_be_a_bool():
    weights = (np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8))
    with pytest.raises(TypeError, match="go_backwards must be a bool, got str"):
        lstm_forward(np.zeros((1, 2, 3)), *weights, go_backwards="yes")
    with pytest.raises(TypeError, match="go_backwards must be a bool, got int"):
        gru_forward(
            np.zeros((1, 2, 3)),
            np.zeros((3, 6)),
            np.zeros((2, 6)),
            np.zeros((2, 6)),
            go_backwards=1,
        )
