"""Quality records: sites, raw data (audit-exempt, audited per batch), reviews, derived results,
targets and warnings."""

from .air import AirDaily, AirHourly, AirPeriodStat, AirThreshold, CityDaily, DataReview, StationLatest  # noqa: F401
from .alerts import HeavyPollutionAlert  # noqa: F401
from .micro import SensorCorrection  # noqa: F401
from .networks import StationNetwork, StreetRankingNotice  # noqa: F401
from .noise import NoiseLeq, NoiseStation  # noqa: F401
from .sites import AirStation  # noqa: F401
from .targets import PeerFigure, Target, Warning, WarningScan  # noqa: F401
from .water import DrinkingWaterSource, SectionPeriodClass, WaterSample, WaterSection  # noqa: F401
