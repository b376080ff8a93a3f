"""llmcourse: the small library behind the course "Adapting large language models".

Each module is written once and imported by every chapter (the way Dive into
Deep Learning reuses ``d2l``): data loading, the pre-trained model, a training
loop, timing, plotting, and the formulas and methods the chapters teach.
"""

__version__ = "0.1.0"
