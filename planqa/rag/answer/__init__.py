"""How sure an answer is: graded evidence about the best candidates, a fitted confidence, and its refusal threshold.

``evidence`` names the features; ``confidence`` reads the fitted model (JSON, no
pickle) and turns a question's evidence into a probability that the documents
answer it; ``fit`` refits it on the dev questions by leave-one-document-out
cross-validation and records the held-out figures in the model file.
"""
