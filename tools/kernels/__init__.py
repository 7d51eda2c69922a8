"""How the test run starts notebook kernels: warm (forked from a process that has imported
what every chapter imports) or fresh, and the retry for the TCP port race of fresh ones.

* :mod:`tools.kernels.start`: what the root ``conftest.py`` installs into nbval, the
  ``WARM_KERNELS`` setting, and the run's report on its kernels.
* :mod:`tools.kernels.warm`: the warm process (one per pytest process), run as a script.
* :mod:`tools.kernels.launcher`: the kernel spec's command, run as a script.
* :mod:`tools.kernels.retry`: the retry of a kernel that dies while starting (TCP only).
"""
