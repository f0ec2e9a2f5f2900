"""Several variables (page 5): gradients, Jacobians forward and reverse, Hessians, JVP and VJP."""
