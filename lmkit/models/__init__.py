r"""Neural language models, each built from one config dataclass.

=================  ====================  ==========================================
model              config                hidden layer
=================  ====================  ==========================================
``AverageLM``      ``AverageConfig``     a weighted average of n-1 embeddings (``ffnn``)
``BengioLM``       ``BengioConfig``      Bengio et al.'s tanh layer, optional skip (``ffnn``)
``RNNLM``          ``RNNConfig``         an Elman RNN or an LSTM (``rnn``)
``BiLM``           ``ElmoConfig``        ELMo's two LSTM LMs, one per direction (``elmo``)
``GPT``            ``GPTConfig``         causal Transformer blocks (``gpt``)
=================  ====================  ==========================================

``model = RNNLM(RNNConfig(len(vocab), 256, 256, output="importance", k=512),
counts=counts, vocab=vocab)``; ``logits, loss = model(x, y)``; ``model.perplexity(sentences)``;
``save(model, path)`` and ``load(path)``.  ``base`` has what they share (``NeuralLM``,
``LMOutput``, ``OutputConfig``): read its docstring for the forward and scoring rules.
``seq2seq`` has the encoder-decoder Transformer (``EncoderDecoder(Seq2SeqConfig(...))``, not a
language model: it maps a source to a target) and ``toy_pairs``, its toy tasks.
``gpt_recipes`` has named GPT sizes with their training (``FAST_CPU.fit(data)``); ``bert`` has
BERT's encoder and ``load_bert("minilm-l6")``, pretrained weights from safetensors (with
``BertTop`` and ``hidden_states`` to fine-tune only the blocks above a frozen layer);
``bert_pretrain`` its pre-training heads (``BertForPreTraining``: MLM and NSP) and the same
body as a left-to-right LM (``BertCausalLM``).  Task models: ``heads`` (ELMo's scalar-mix
classifier on frozen features, ``fit_mix``, ``predict``), ``finetune`` (GPT's and BERT's
fine-tuning, ``SequenceClassifier``, ``fine_tune``), ``span`` (SQuAD 2.0-style span extraction
with the null answer: ``SpanExtractor``, ``best_spans``, ``best_threshold``, ``encode_qa``,
``qa_data``, ``answer``, ``qa_scores``) and
``bow`` (the bag-of-n-grams baseline).
Names load on first use (PEP 562).
"""

from __future__ import annotations

from ..lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "LMOutput": "base", "NeuralLM": "base", "OutputConfig": "base",
    "AverageConfig": "ffnn", "AverageLM": "ffnn", "BengioConfig": "ffnn", "BengioLM": "ffnn",
    "RNNConfig": "rnn", "RNNLM": "rnn",
    "GPT": "gpt", "GPTConfig": "gpt", "GPTState": "gpt",
    "GPTRecipe": "gpt_recipes", "FAST_CPU": "gpt_recipes", "NANOGPT_CPU": "gpt_recipes",
    "NANOGPT_GPU": "gpt_recipes",
    "BertConfig": "bert", "BertEncoder": "bert", "BertTop": "bert", "load_bert": "bert",
    "hidden_states": "bert",
    "bert_num_parameters": "bert", "BertForPreTraining": "bert_pretrain",
    "BertCausalLM": "bert_pretrain",
    "BiLM": "elmo", "ElmoConfig": "elmo",
    "MixClassifier": "heads", "MixClassifierConfig": "heads", "predict": "heads",
    "fit_mix": "heads",
    "NgramClassifier": "bow", "NgramClassifierConfig": "bow", "NgramFeatures": "bow",
    "ClassifierConfig": "finetune", "SequenceClassifier": "finetune", "fine_tune": "finetune",
    "SpanConfig": "span", "SpanExtractor": "span", "best_spans": "span",
    "best_threshold": "span", "encode_qa": "span", "QAData": "span", "qa_data": "span",
    "answer": "span", "qa_scores": "span",
    "EncoderDecoder": "seq2seq", "Seq2SeqConfig": "seq2seq", "toy_pairs": "seq2seq",
    "load": "serialize", "save": "serialize",
})
