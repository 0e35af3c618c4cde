"""UI-free state and actions of the staff app; views render them and call their methods."""

from apps.staff.viewmodels.base import KeyValueStore, MemoryStore, StaffViewModel, error_key
from apps.staff.viewmodels.picking import PickingVM
from apps.staff.viewmodels.pickup import PickupVM
from apps.staff.viewmodels.session import StaffSessionVM
from apps.staff.viewmodels.today import TodayVM

__all__ = [
    "KeyValueStore",
    "MemoryStore",
    "PickingVM",
    "PickupVM",
    "StaffSessionVM",
    "StaffViewModel",
    "TodayVM",
    "error_key",
]
