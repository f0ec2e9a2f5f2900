"""The Several variables page's sections: each reads its widgets, calls the cached wrappers
(ui.several_variables_cached) and renders; the page (views/several_variables.py) picks one."""
