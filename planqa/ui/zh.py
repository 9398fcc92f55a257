"""Gradio's own strings in Chinese: its i18n keys that the zh-CN locale leaves in English, and the
labels it writes in English outright (tooltips, screen-reader labels), translated in the page.

Only strings of Gradio itself; the app's own labels are written in Chinese where they are made.
"""
from __future__ import annotations

import json

# i18n keys (``gr.I18n``); given for every locale, so an English browser sees the same page
_KEYS = {"chatbot.copy_message": "复制消息", "chatbot.copied_message": "已复制", "chatbot.clear": "清空对话",
         "chatbot.retry": "重试", "chatbot.undo": "撤销", "chatbot.edit": "编辑", "chatbot.submit": "提交",
         "chatbot.cancel": "取消", "chatbot.like": "赞", "chatbot.dislike": "踩", "chatbot.complete": "完成",
         "common.complete": "完成", "common.download_all": "全部下载",
         "status.queue_position": "排队中：第 {position} 位，共 {size} 位"}
GRADIO_ZH = {locale: dict(_KEYS) for locale in ("zh-CN", "zh", "en")}

# labels Gradio writes without i18n (exact text → Chinese); applied to text, title, aria-label, placeholder
FIXED = {"Click to upload or drop files": "点击上传或拖入文件", "Drop File Here": "将文件拖到这里",
         "Click to Upload": "点击上传", "Copy table data": "复制表格数据", "Fullscreen": "全屏",
         "Exit fullscreen mode": "退出全屏", "Reset to default value": "恢复默认值", "Empty value": "空",
         "More tabs": "更多", "File upload": "上传文件", "Table actions": "表格操作", "chatbot conversation": "对话",
         "Gradio footer navigation": "页脚导航", "Copy conversation": "复制对话", "processing": "处理中",
         "Clear": "清除", "Download": "下载", "Share": "分享", "Copy": "复制", "Copied": "已复制", "Error": "错误",
         "Warning": "提示", "Info": "提示", "Close": "关闭", "Remove": "移除", "Upload": "上传",
         "Uploading...": "上传中…", "Loading...": "加载中…", "Search": "搜索", "Sort": "排序",
         "Select all": "全选", "Image": "图片", "Gallery": "图库", "Thumbnail": "缩略图", "Expand": "展开",
         "Collapse": "收起", "Copy to clipboard": "复制到剪贴板", "Textbox": "文本框", "Dropdown": "下拉菜单",
         "Remove All": "全部移除", "Use via API": "通过 API 使用"}

def toast_text(title: str, message: str) -> str:
    """A toast's message carrying its title, which the page moves into the toast's heading (``TRANSLATE_JS``).

    >>> toast_text("无法提问", "问题是空的")
    '【无法提问】问题是空的'
    """
    return f"【{title}】{message}"


TRANSLATE_JS = """() => { if (window.pqZh) return; window.pqZh = true;
  const FIXED = %s;
  const ATTRS = ['title', 'aria-label', 'placeholder'];
  const fix = (root) => {
    const els = root.querySelectorAll ? [root, ...root.querySelectorAll('*')] : [];
    for (const el of els) {
      for (const a of ATTRS) { const v = el.getAttribute && el.getAttribute(a);
        if (v && FIXED[v.trim()]) el.setAttribute(a, FIXED[v.trim()]);
        else if (v && /^Thumbnail \\d+ of \\d+$/.test(v)) el.setAttribute(a, v.replace(/^Thumbnail (\\d+) of (\\d+)$/, '缩略图 $1/$2')); }
      for (const n of el.childNodes || []) {
        if (n.nodeType !== 3) continue;
        const t = n.textContent.trim();
        if (FIXED[t]) n.textContent = n.textContent.replace(t, FIXED[t]);
        else if (/^processing \\|/.test(t)) n.textContent = t.replace('processing', '处理中');
        else if (/^queue: /.test(t)) n.textContent = t.replace('queue: ', '排队 ');
        else if (el.closest('[data-testid="status-tracker"]') && /\\b(batch|embedding|steps|BM25S)\\b/.test(t))
          // the embedder's and bm25s's tqdm bars, which Gradio shows even when they are switched off
          n.textContent = t.replace(/\\bbatch\\b/g, '批').replace(/\\bembedding\\b/g, '向量化')
            .replace(/\\bsteps\\b/g, '步').replace(/BM25S [A-Za-z ]*[A-Za-z]/g, '建立关键词索引');
      } } };
  // Gradio heads a toast with its level (Warning), not the title given: the app sends
  // “【标题】message” (toast_text) and the title moves into the toast's heading here
  const titled = (root) => {
    const toasts = root.querySelectorAll ? root.querySelectorAll('[data-testid="toast-body"]') : [];
    for (const t of toasts) {
      let title = '';
      for (const m of t.querySelectorAll('[data-testid="toast-text"]')) {
        const w = document.createTreeWalker(m, NodeFilter.SHOW_TEXT);
        while (w.nextNode()) { const n = w.currentNode, got = n.textContent.match(/^\s*【([^】]{1,16})】/);
          if (got) { title = title || got[1]; n.textContent = n.textContent.replace(got[0], ''); break; } } }
      const head = t.querySelector('.toast-title');
      const label = head && [...head.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
      if (title && label) label.textContent = title + ' ';
    } };
  fix(document.body);
  new MutationObserver((ms) => { for (const m of ms) {
      if (m.type === 'attributes' || m.type === 'characterData') fix(m.target.parentElement || m.target);
      for (const n of m.addedNodes) fix(n.nodeType === 3 ? n.parentElement : n); }
      titled(document.body); })
    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ATTRS});
}""" % json.dumps(FIXED, ensure_ascii=False)
