"""The Beyond grad page's sections: each reads its widgets, calls core (cached in
ui.beyond_grad_cached) and renders; the page (views/beyond_grad.py) picks one."""
