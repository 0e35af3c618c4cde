"""Every domain's models, imported so that metadata (and Alembic) sees all tables."""

from backend.aftersales import models as aftersales_models  # noqa: F401
from backend.appointments import models as appointments_models  # noqa: F401
from backend.assistant import models as assistant_models  # noqa: F401
from backend.auth import models as auth_models  # noqa: F401
from backend.campaigns import models as campaigns_models  # noqa: F401
from backend.catalog import models as catalog_models  # noqa: F401
from backend.core import audit, events, jobs  # noqa: F401
from backend.core.db import Base
from backend.distribution import models as distribution_models  # noqa: F401
from backend.franchise import models as franchise_models  # noqa: F401
from backend.inspection import models as inspection_models  # noqa: F401
from backend.intelligence import models as intelligence_models  # noqa: F401
from backend.inventory import models as inventory_models  # noqa: F401
from backend.marketing import models as marketing_models  # noqa: F401
from backend.members import models as members_models  # noqa: F401
from backend.members import topup as members_topup  # noqa: F401
from backend.orders import models as orders_models  # noqa: F401
from backend.orders import rating as orders_rating  # noqa: F401
from backend.payments import models as payments_models  # noqa: F401
from backend.pricing import models as pricing_models  # noqa: F401
from backend.stores import models as stores_models  # noqa: F401
from backend.tickets import models as tickets_models  # noqa: F401

metadata = Base.metadata
