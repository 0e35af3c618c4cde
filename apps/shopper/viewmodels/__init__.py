"""UI-free state and actions of the shopper app; views render them and call their methods."""

from apps.shopper.viewmodels.assistant import AssistantVM
from apps.shopper.viewmodels.base import KeyValueStore, MemoryStore, ViewModel, error_key
from apps.shopper.viewmodels.camera import LiveScanVM
from apps.shopper.viewmodels.campaigns import CampaignsVM
from apps.shopper.viewmodels.cart import CartVM
from apps.shopper.viewmodels.catalog import CatalogVM, ProductVM
from apps.shopper.viewmodels.checkout import CheckoutVM
from apps.shopper.viewmodels.instore import InStoreVM
from apps.shopper.viewmodels.member import MemberVM
from apps.shopper.viewmodels.orders import OrdersVM, OrderVM
from apps.shopper.viewmodels.scango import ScanGoVM
from apps.shopper.viewmodels.services import ServicesVM
from apps.shopper.viewmodels.session import SessionVM
from apps.shopper.viewmodels.settings import SettingsVM
from apps.shopper.viewmodels.stores import DEMO_PLACES, Place, StorePickerVM
from apps.shopper.viewmodels.topup import TopUpVM

__all__ = [
    "DEMO_PLACES",
    "AssistantVM",
    "CampaignsVM",
    "CartVM",
    "CatalogVM",
    "CheckoutVM",
    "InStoreVM",
    "KeyValueStore",
    "LiveScanVM",
    "MemberVM",
    "MemoryStore",
    "OrderVM",
    "OrdersVM",
    "Place",
    "ProductVM",
    "ScanGoVM",
    "ServicesVM",
    "SessionVM",
    "SettingsVM",
    "StorePickerVM",
    "TopUpVM",
    "ViewModel",
    "error_key",
]
