"""Launching workloads: local runner (docker or plain process) and the Batch launcher."""
