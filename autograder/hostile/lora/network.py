r"""Exfiltrate: open a network connection.
Expected: 27
Base: reference
Log: raised
"""
# %% lora_params
import socket

socket.create_connection(('1.1.1.1', 53), timeout=3).close()
