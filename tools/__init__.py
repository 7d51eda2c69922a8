"""The book's tooling, run from the repository's root as ``python -m tools.<name>``.

The Makefile's targets call these; none of them is part of the ``lstm_helpers`` package a
chapter installs.

================== ============================================================================
module             what it does
================== ============================================================================
``book``           the repository's folders, the one ``_toc.yml`` reader, and the one map from
                   an optional module to the requirements file that installs it
``execute``        re-run chapters in fresh kernels and store their outputs (``make execute``)
``install_cell``   write or check every chapter's first cell, which installs ``lstm_helpers``
``colab_check``    run chapters as a first-time Colab user does (``make colab-check``)
``nbval_backends`` the nbval pass once per Keras backend (``make test-backends``)
``versions``       the nbval pass on older Keras/TensorFlow pairs (``make test-versions``)
``bench``          time the book's checks and build (``make bench``)
``overview``       draw the landing page's picture, ``_static/overview.svg``
``kernels/``       how the test run starts notebook kernels: forked warm, or fresh
================== ============================================================================

Their tests are in ``tests/tools/``.
"""
