r"""Outlive the notebook: a process and a double-forked daemon that would keep running.
Expected: 27
Base: reference
Log: lora_params raised
"""
# %% lora_params
import os
import subprocess

subprocess.Popen(['sleep', '600'], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        import time
        time.sleep(600)
    os._exit(0)
raise RuntimeError('started background processes')
