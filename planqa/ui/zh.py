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
         "common.complete": "完成"}
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
         "Remove All": "全部移除"}

TRANSLATE_JS = """() => { if (window.pqZh) return; window.pqZh = true;
  const FIXED = %s;
  const ATTRS = ['title', 'aria-label', 'placeholder'];
  const fix = (root) => {
    const els = root.querySelectorAll ? [root, ...root.querySelectorAll('*')] : [];
    for (const el of els) {
      for (const a of ATTRS) { const v = el.getAttribute && el.getAttribute(a);
        if (v && FIXED[v.trim()]) el.setAttribute(a, FIXED[v.trim()]); }
      for (const n of el.childNodes || []) {
        if (n.nodeType !== 3) continue;
        const t = n.textContent.trim();
        if (FIXED[t]) n.textContent = n.textContent.replace(t, FIXED[t]);
        else if (/^processing \\|/.test(t)) n.textContent = t.replace('processing', '处理中');
      } } };
  fix(document.body);
  new MutationObserver((ms) => { for (const m of ms) {
      if (m.type === 'attributes' || m.type === 'characterData') fix(m.target.parentElement || m.target);
      for (const n of m.addedNodes) fix(n.nodeType === 3 ? n.parentElement : n); } })
    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ATTRS});
}""" % json.dumps(FIXED, ensure_ascii=False)
