"""The staff app: store staff on tablets pick online orders, hand over pickups and watch the store's day."""
