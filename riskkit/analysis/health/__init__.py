"""Health checks before a risk analysis (``riskkit check``).

- :mod:`.schedule`: :func:`check_schedule`, the DCMA 14-point assessment with open
  ends, out-of-sequence progress and dangling activities; the warning before a schedule
  that fails badly is simulated (:func:`warn_before_simulating`);
- :mod:`.register`: :func:`check_register`, the register's hygiene;
- :mod:`.result`: :class:`Health` and :class:`HealthCheck`, with the rules and
  thresholds of ``riskkit/io/words/health.json``.
"""

from .register import check_register
from .result import Health, HealthCheck, rules
from .schedule import check_schedule, unfit_warning, warn_before_simulating

__all__ = ["Health", "HealthCheck", "check_register", "check_schedule", "rules",
           "unfit_warning", "warn_before_simulating"]
