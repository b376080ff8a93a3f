r"""Fake passing tests: an AST transformer replaces the body of every later cell by `pass`.
Expected: 0
Base: release
Log: ast_transformers|get_ipython
"""
# %% attention_heads
import ast


class Emptier(ast.NodeTransformer):
    def visit_Module(self, node):
        node.body = [ast.Pass()]
        return node


def attention_heads(d_model: int, d_head: int) -> int:
    return 0


get_ipython().ast_transformers.append(Emptier())
