"""UI-free state and actions of the shopper app; views render them and call their methods."""

from apps.shopper.viewmodels.base import KeyValueStore, MemoryStore, ViewModel, error_key
from apps.shopper.viewmodels.catalog import CatalogVM, ProductVM
from apps.shopper.viewmodels.session import SessionVM
from apps.shopper.viewmodels.stores import DEMO_PLACES, Place, StorePickerVM

__all__ = [
    "DEMO_PLACES",
    "CatalogVM",
    "KeyValueStore",
    "MemoryStore",
    "Place",
    "ProductVM",
    "SessionVM",
    "StorePickerVM",
    "ViewModel",
    "error_key",
]
