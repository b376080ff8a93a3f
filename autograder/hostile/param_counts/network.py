r"""Exfiltrate: open a network connection (to send the notebook out, or to fetch answers).
Expected: 28
Base: reference
Unvalidated: 28
Log: import socket|raised
"""
# %% training_memory_gb
import socket

socket.create_connection(("1.1.1.1", 53), timeout=3).close()
