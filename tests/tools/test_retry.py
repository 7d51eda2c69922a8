"""The retry of a notebook kernel that dies while starting (the ordinary path's TCP race)."""

from __future__ import annotations

import pytest

from tools.kernels import retry


class FakeStart:
    """Stands in for nbval's start_new_kernel: dies ``deaths`` times, then returns a kernel."""

    def __init__(self, deaths: int):
        self.deaths = deaths
        self.calls = 0

    def __call__(self, **kwargs):
        self.calls += 1
        if self.calls <= self.deaths:
            kwargs["stderr"].write(
                f"zmq.error.ZMQError: Address already in use (call {self.calls})\n"
            )
            kwargs["stderr"].flush()
            raise RuntimeError("Kernel died before replying to kernel_info")
        return ("manager", "client")


def test_a_kernel_that_starts_is_returned_at_once():
    start = FakeStart(deaths=0)
    with_retries = retry.retry_kernel_start(start)
    assert with_retries(kernel_name="python3", cwd="chapters") == ("manager", "client")
    assert start.calls == 1


def test_a_kernel_that_dies_once_is_started_again_with_a_warning_quoting_its_stderr():
    start = FakeStart(deaths=1)
    with_retries = retry.retry_kernel_start(start)
    with pytest.warns(
        retry.KernelStartWarning,
        match=r"attempt 1 of 3.*Address already in use \(call 1\)",
    ):
        assert with_retries(kernel_name="python3", cwd="chapters") == (
            "manager",
            "client",
        )
    assert start.calls == 2


def test_a_kernel_that_always_dies_fails_after_the_last_attempt():
    start = FakeStart(deaths=10)
    with_retries = retry.retry_kernel_start(start, attempts=3)
    with (
        pytest.warns(retry.KernelStartWarning),
        pytest.raises(
            RuntimeError,
            match=r"attempt 3 of 3.*kernel_info.*Address already in use \(call 3\)",
        ),
    ):
        with_retries(kernel_name="python3", cwd="chapters")
    assert start.calls == 3


def test_other_errors_are_not_retried():
    def broken(**kwargs):
        raise KeyError("no such kernel")

    with pytest.raises(KeyError):
        retry.retry_kernel_start(broken)(kernel_name="python3")


def test_at_least_one_attempt():
    with pytest.raises(ValueError, match="at least 1"):
        retry.retry_kernel_start(FakeStart(0), attempts=0)
