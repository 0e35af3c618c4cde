"""The self-service kiosk (Kivy): screens in kiosk.kv, flows in viewmodels.py."""
