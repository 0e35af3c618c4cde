"""UI-free state and actions of the staff app; views render them and call their methods."""

from apps.staff.viewmodels.appointments import AppointmentsVM
from apps.staff.viewmodels.base import KeyValueStore, MemoryStore, StaffViewModel, error_key
from apps.staff.viewmodels.beacons import BeaconsVM
from apps.staff.viewmodels.cashier import CashierVM
from apps.staff.viewmodels.members import MembersVM
from apps.staff.viewmodels.picking import PickingVM
from apps.staff.viewmodels.pickup import PickupVM
from apps.staff.viewmodels.session import StaffSessionVM
from apps.staff.viewmodels.stock import AdjustVM, ExpiryVM, ReceivingVM, StocktakeVM, TransferVM
from apps.staff.viewmodels.sync import SyncVM
from apps.staff.viewmodels.today import TodayVM

__all__ = [
    "AdjustVM",
    "AppointmentsVM",
    "BeaconsVM",
    "CashierVM",
    "ExpiryVM",
    "KeyValueStore",
    "MembersVM",
    "MemoryStore",
    "PickingVM",
    "PickupVM",
    "ReceivingVM",
    "StaffSessionVM",
    "StaffViewModel",
    "StocktakeVM",
    "SyncVM",
    "TodayVM",
    "TransferVM",
    "error_key",
]
