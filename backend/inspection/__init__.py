"""Store audit (AI巡检): stores and cashiers whose operating figures are out of line with their peers."""
